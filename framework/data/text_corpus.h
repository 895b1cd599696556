// Plain-text corpora for language modelling: one sentence (verse) per line; an empty line ends a
// document (for the Bible, a book). Documents matter: the LM's state is reset where one starts.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "data/vocab.h"

namespace recur {

struct TextCorpus {
  std::string path;
  std::vector<std::vector<std::string>> documents;  // the lines of each document

  // Throws Error naming the file when it is missing, unreadable, empty, or not UTF-8.
  static TextCorpus read(const std::string& path);
  int64_t lines() const;
};

// How often each token occurs (for building a vocabulary).
std::unordered_map<std::string, int64_t> count_tokens(const TextCorpus& corpus, TokenizerType type,
                                                      bool lowercase);

// A corpus as one token sequence: every document is <bos>, then each line's tokens and <eos>.
struct TokenSequence {
  std::vector<int32_t> ids;
  std::vector<int32_t> chars;  // characters each token stands for (<eos>: the newline; <bos>: 0)
  int64_t unknown = 0;         // tokens that became <unk>

  static TokenSequence encode(const TextCorpus& corpus, const Vocab& vocab);
  int64_t size() const { return static_cast<int64_t>(ids.size()); }
};

}  // namespace recur
