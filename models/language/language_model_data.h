// The language model's data: vocabulary and the token sequences of the train/valid/test texts.
#pragma once

#include <string>

#include "data/text_corpus.h"
#include "lstm_lm/lstm_lm_config.h"

namespace recur {

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
