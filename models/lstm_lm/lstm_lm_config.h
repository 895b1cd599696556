// Configuration of the recurrent language model (model.type lstm_lm).
#pragma once

#include <string>

#include "config/visitor.h"
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
  bool learned_init = false;          // learned initial states, also where documents start
  std::string pretrained_embeddings;  // word vectors to start the embeddings from (empty: none)
  bool freeze_embeddings = false;     // the embeddings keep the values they start with

  void describe(ConfigVisitor& v);
  void check(ConfigChecker& c) const;
};

}  // namespace recur
