#include "data/tokenizer.h"

#include <cctype>

#include "core/error.h"

namespace recur {

namespace {

// Byte length of the UTF-8 sequence starting at text[i]; throws on invalid input.
size_t code_point_size(std::string_view text, size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  size_t n = lead < 0x80           ? 1
             : (lead >> 5) == 0x6  ? 2
             : (lead >> 4) == 0xE  ? 3
             : (lead >> 3) == 0x1E ? 4
                                   : 0;
  RECUR_CHECK(n != 0 && i + n <= text.size(), "invalid UTF-8 at byte ", i, " of line '",
              text.substr(0, 60), "'");
  for (size_t k = 1; k < n; ++k) {
    RECUR_CHECK((static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80, "invalid UTF-8 at byte ",
                i + k, " of line '", text.substr(0, 60), "'");
  }
  return n;
}

bool is_space(std::string_view cp) {
  return cp.size() == 1 && std::isspace(static_cast<unsigned char>(cp[0]));
}

// Letters and digits form words; non-ASCII code points count as letters (accented Spanish).
bool is_word_char(std::string_view cp) {
  return cp.size() > 1 || std::isalnum(static_cast<unsigned char>(cp[0])) || cp[0] == '\'';
}

std::string lower_ascii(std::string_view cp, bool lowercase) {
  std::string s(cp);
  if (lowercase && s.size() == 1)
    s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

}  // namespace

int64_t utf8_length(std::string_view text) {
  int64_t n = 0;
  for (size_t i = 0; i < text.size(); i += code_point_size(text, i))
    ++n;
  return n;
}

std::vector<Token> tokenize(TokenizerType type, std::string_view line, bool lowercase) {
  std::vector<Token> tokens;
  int32_t leading = 0;  // spaces before the first token
  bool previous_word = false;
  for (size_t i = 0; i < line.size();) {
    const size_t n = code_point_size(line, i);
    std::string_view cp = line.substr(i, n);
    i += n;
    if (type == TokenizerType::Char) {
      tokens.push_back({lower_ascii(cp, lowercase), 1});
      continue;
    }
    if (is_space(cp)) {
      if (tokens.empty()) {
        ++leading;
      } else {
        ++tokens.back().chars;
      }
      previous_word = false;
      continue;
    }
    const bool word = is_word_char(cp);
    if (word && previous_word) {
      tokens.back().text += lower_ascii(cp, lowercase);
      ++tokens.back().chars;
    } else {
      tokens.push_back({lower_ascii(cp, lowercase), 1});
    }
    previous_word = word;
  }
  if (!tokens.empty()) tokens.front().chars += leading;
  return tokens;
}

TextTokenizer::TextTokenizer(TokenizerType type, bool lowercase,
                             std::shared_ptr<const SubwordModel> subword)
    : type_(type), lowercase_(lowercase), subword_(std::move(subword)) {
  RECUR_ASSERT((type == TokenizerType::Subword) == (subword_ != nullptr),
               "subword tokenizer without a model");
}

std::vector<Token> TextTokenizer::tokenize(std::string_view line) const {
  if (type_ != TokenizerType::Subword) return recur::tokenize(type_, line, lowercase_);
  std::string text(line);
  if (lowercase_) {
    for (char& c : text)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  std::vector<Token> tokens;
  int64_t chars = 0;
  for (std::string& piece : subword_->encode(text)) {
    tokens.push_back({std::move(piece), static_cast<int32_t>(utf8_length(piece))});
    chars += tokens.back().chars;
  }
  // A piece's "▁" stands for the space before it, but the line's first one for none (and
  // SentencePiece collapses runs of spaces): the first token takes the difference, so that the
  // tokens add up to the line's length.
  if (!tokens.empty()) tokens.front().chars += static_cast<int32_t>(utf8_length(line) - chars);
  return tokens;
}

std::string TextTokenizer::detokenize(const std::vector<std::string>& tokens) const {
  return type_ == TokenizerType::Subword ? subword_->decode(tokens)
                                         : recur::detokenize(type_, tokens);
}

std::string detokenize(TokenizerType type, const std::vector<std::string>& tokens) {
  std::string out;
  for (const std::string& t : tokens) {
    if (type == TokenizerType::Word && !out.empty()) {
      const bool attach_left =
          t.size() == 1 && std::string_view(".,;:!?)]}").find(t[0]) != std::string_view::npos;
      const bool after_open = std::string_view("([{").find(out.back()) != std::string_view::npos;
      if (!attach_left && !after_open) out += ' ';
    }
    out += t;
  }
  return out;
}

}  // namespace recur
