// Tokenisers: character level (UTF-8 code points) and word level (runs of letters and digits;
// every other non-space character is a token of its own).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace recur {

enum class TokenizerType { Char, Word };

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

}  // namespace recur
