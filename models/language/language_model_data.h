// The language model's data: vocabulary and the token sequences of the train/valid/test texts.
#pragma once

#include <string>

#include "config/visitor.h"
#include "data/text_corpus.h"
#include "data/tokenizer.h"

namespace recur {

// The data section of a language model: its texts and how they become tokens.
struct LanguageModelDataConfig {
  std::string train;  // one sentence per line; an empty line ends a document
  std::string valid;
  std::string test;
  TokenizerType tokenizer = TokenizerType::Char;
  bool lowercase = false;
  std::string vocab;  // an existing vocabulary file; empty: built from the training data
  int64_t min_frequency = 1;
  int64_t max_vocab = 0;  // 0: no limit

  void describe(ConfigVisitor& v);
};

struct LanguageModelData {
  Vocab vocab;
  TokenSequence train, valid, test;  // valid and test are empty when not configured

  // Reads the texts; builds the vocabulary from data.train (or loads data.vocab), unless a
  // vocabulary is given (a resumed run reuses its checkpoint's).
  static LanguageModelData load(const LanguageModelDataConfig& config,
                                const Vocab* vocab = nullptr);
  // A hash of the training tokens: a resumed run checks that it trains on the same data.
  std::string train_hash() const;
};

// Encodes a text file. Throws Error if the vocabulary does not fit the text: more than half of
// its tokens are unknown (another language, another tokenizer).
TokenSequence encode_file(const std::string& path, const Vocab& vocab);

}  // namespace recur
