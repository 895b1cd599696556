#include "data/vocab.h"

#include <algorithm>
#include <fstream>

#include "core/error.h"

namespace recur {

namespace {

const std::vector<std::string> kSpecials = {"<pad>", "<unk>", "<bos>", "<eos>"};

std::string escape(const std::string& token) {
  std::string out;
  for (char c : token) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case ' ':
        out += "\\s";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string unescape(const std::string& text, const std::string& path, int64_t line) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out += text[i];
      continue;
    }
    RECUR_CHECK(i + 1 < text.size(), path, ":", line, ": dangling backslash");
    switch (text[++i]) {
      case '\\':
        out += '\\';
        break;
      case 's':
        out += ' ';
        break;
      case 't':
        out += '\t';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      default:
        fail(path, ":", line, ": unknown escape \\", text[i]);
    }
  }
  return out;
}

const char* kHeader = "# recur vocabulary v1 tokenizer=";

}  // namespace

std::string tokenizer_name(TokenizerType type) {
  switch (type) {
    case TokenizerType::Char:
      return "char";
    case TokenizerType::Word:
      return "word";
    case TokenizerType::Subword:
      return "subword";
  }
  return "?";
}

TokenizerType tokenizer_type(const std::string& name) {
  for (TokenizerType t : {TokenizerType::Char, TokenizerType::Word, TokenizerType::Subword}) {
    if (tokenizer_name(t) == name) return t;
  }
  fail("unknown tokenizer '", name, "'");
}

Vocab Vocab::from_tokens(std::vector<std::string> tokens, TokenizerType type, bool lowercase) {
  Vocab v;
  v.type_ = type;
  v.lowercase_ = lowercase;
  RECUR_CHECK(tokens.size() >= kSpecials.size() &&
                  std::equal(kSpecials.begin(), kSpecials.end(), tokens.begin()),
              "vocabulary does not start with the special tokens <pad> <unk> <bos> <eos>");
  v.tokens_ = std::move(tokens);
  for (size_t i = 0; i < v.tokens_.size(); ++i) {
    auto [it, inserted] = v.ids_.emplace(v.tokens_[i], static_cast<int32_t>(i));
    RECUR_CHECK(inserted, "vocabulary lists the token '", v.tokens_[i], "' twice");
  }
  return v;
}

Vocab Vocab::build(const std::unordered_map<std::string, int64_t>& counts, const Options& options,
                   TokenizerType type, bool lowercase) {
  std::vector<std::pair<std::string, int64_t>> entries;
  for (const auto& [token, count] : counts) {
    if (count >= options.min_frequency &&
        std::find(kSpecials.begin(), kSpecials.end(), token) == kSpecials.end()) {
      entries.emplace_back(token, count);
    }
  }
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  std::vector<std::string> tokens = kSpecials;
  for (const auto& [token, count] : entries) {
    if (options.max_size > 0 && static_cast<int64_t>(tokens.size()) >= options.max_size) break;
    tokens.push_back(token);
  }
  return from_tokens(std::move(tokens), type, lowercase);
}

int32_t Vocab::id(const std::string& token) const {
  auto it = ids_.find(token);
  return it == ids_.end() ? kUnk : it->second;
}

void Vocab::save(const std::string& path) const {
  std::ofstream out(path);
  RECUR_CHECK(out, "cannot write vocabulary ", path);
  out << kHeader << tokenizer_name(type_) << " lowercase=" << (lowercase_ ? "true" : "false")
      << " size=" << size() << "\n";
  for (const std::string& t : tokens_)
    out << escape(t) << "\n";
  RECUR_CHECK(out.good(), "cannot write vocabulary ", path);
}

Vocab Vocab::load(const std::string& path) {
  std::ifstream in(path);
  RECUR_CHECK(in, "cannot read vocabulary ", path, ": no such file");
  std::string header;
  std::getline(in, header);
  RECUR_CHECK(header.starts_with(kHeader), path, ":1: not a recur vocabulary (expected a line '",
              kHeader, "...')");
  const std::string rest = header.substr(std::string(kHeader).size());
  TokenizerType type;
  try {
    type = tokenizer_type(rest.substr(0, rest.find(' ')));
  } catch (const Error&) {
    fail(path, ":1: unknown tokenizer in '", header, "'");
  }
  const bool lowercase = rest.find("lowercase=true") != std::string::npos;
  std::vector<std::string> tokens;
  std::string line;
  for (int64_t n = 2; std::getline(in, line); ++n)
    tokens.push_back(unescape(line, path, n));
  // The size the header states (recur writes it) must be the tokens' count: a file from elsewhere
  // that disagrees with itself is refused.
  const size_t size_at = rest.find(" size=");
  if (size_at != std::string::npos) {
    const std::string stated = rest.substr(size_at + 6, rest.find(' ', size_at + 6) - size_at - 6);
    RECUR_CHECK(stated == std::to_string(tokens.size()), path, ":1: the header says size=", stated,
                " but the file lists ", tokens.size(), " tokens");
  }
  try {
    return from_tokens(std::move(tokens), type, lowercase);
  } catch (const Error& e) {
    fail(path, ": ", e.what());
  }
}

}  // namespace recur
