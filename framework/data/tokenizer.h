// Tokenisers: character level (UTF-8 code points), word level (runs of letters and digits; every
// other non-space character is a token of its own) and subword units (SentencePiece).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "data/subword.h"

namespace recur {

enum class TokenizerType { Char, Word, Subword };

struct Token {
  std::string text;
  // Characters (code points) of the line this token stands for: its own plus the spaces after
  // it (and before it, for a line's first token). A line's tokens add up to the line's length,
  // which makes bits per character exact for word-level models too.
  int32_t chars = 0;
};

// Splits one line (no newline). Throws Error on invalid UTF-8.
std::vector<Token> tokenize(TokenizerType type, std::string_view line, bool lowercase);
// Joins tokens back into text: concatenated (char) or spaced with punctuation attached (word).
std::string detokenize(TokenizerType type, const std::vector<std::string>& tokens);

// Number of code points in valid UTF-8 text.
int64_t utf8_length(std::string_view text);

// A tokeniser of any type; subword tokenisers carry their SentencePiece model.
class TextTokenizer {
 public:
  TextTokenizer(TokenizerType type, bool lowercase,
                std::shared_ptr<const SubwordModel> subword = nullptr);

  std::vector<Token> tokenize(std::string_view line) const;
  std::string detokenize(const std::vector<std::string>& tokens) const;
  TokenizerType type() const { return type_; }
  bool lowercase() const { return lowercase_; }
  const SubwordModel* subword() const { return subword_.get(); }

 private:
  TokenizerType type_;
  bool lowercase_;
  std::shared_ptr<const SubwordModel> subword_;
};

}  // namespace recur
