// Configuration of the recurrent language model and of its text data.
#pragma once

#include <string>

#include "config/visitor.h"
#include "data/tokenizer.h"
#include "nn/rnn_stack.h"

namespace recur {

struct LstmLmConfig {
  CellType cell = CellType::Lstm;
  int64_t embedding_size = 256;
  int64_t hidden_size = 256;
  int64_t layers = 2;
  double dropout = 0.0;            // between recurrent layers
  double embedding_dropout = 0.0;  // on the embeddings
  double output_dropout = 0.0;     // on the top layer's output, before the softmax layer
  bool tie_embeddings = false;     // the output layer reuses the embedding matrix
  bool residual = false;

  void describe(ConfigVisitor& v);
  void check(ConfigChecker& c) const;
};

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

}  // namespace recur
