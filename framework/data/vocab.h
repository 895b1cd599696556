// Vocabulary: tokens <-> ids, with the special tokens <pad> 0, <unk> 1, <bos> 2, <eos> 3.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "data/tokenizer.h"

namespace recur {

class Vocab {
 public:
  static constexpr int32_t kPad = 0, kUnk = 1, kBos = 2, kEos = 3;

  struct Options {
    int64_t min_frequency = 1;  // tokens seen fewer times become <unk>
    int64_t max_size = 0;       // 0: no limit; else at most this many entries, specials included
  };

  // Most frequent first (ties by token text, so the order is deterministic).
  static Vocab build(const std::unordered_map<std::string, int64_t>& counts, const Options& options,
                     TokenizerType type, bool lowercase);
  static Vocab from_tokens(std::vector<std::string> tokens, TokenizerType type, bool lowercase);

  int32_t id(const std::string& token) const;  // kUnk when absent
  const std::string& token(int32_t id) const { return tokens_.at(static_cast<size_t>(id)); }
  int64_t size() const { return static_cast<int64_t>(tokens_.size()); }
  const std::vector<std::string>& tokens() const { return tokens_; }
  TokenizerType tokenizer() const { return type_; }
  bool lowercase() const { return lowercase_; }

  // Text file: a header line naming the tokeniser, then one escaped token per line in id order.
  void save(const std::string& path) const;
  // Throws Error if the file is missing, malformed, or has no special tokens in place.
  static Vocab load(const std::string& path);

 private:
  std::vector<std::string> tokens_;
  std::unordered_map<std::string, int32_t> ids_;
  TokenizerType type_ = TokenizerType::Char;
  bool lowercase_ = false;
};

std::string tokenizer_name(TokenizerType type);
// The inverse of tokenizer_name; throws Error for an unknown name.
TokenizerType tokenizer_type(const std::string& name);

}  // namespace recur
