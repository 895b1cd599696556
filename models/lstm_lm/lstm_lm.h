// Recurrent language model: embedding -> stacked LSTM or GRU -> linear layer over the vocabulary.
//
// Parameter paths: embedding/weight (V, E); rnn/layer{l}/fwd/{w_ih, w_hh, b_ih, b_hh} in PyTorch's
// layout; output/weight (V, H) (absent when tied to the embedding) and output/bias (V).
#pragma once

#include "lstm_lm/lstm_lm_config.h"
#include "nn/context.h"
#include "nn/layers.h"
#include "nn/rnn_stack.h"

namespace recur {

class LstmLm {
 public:
  LstmLm(const LstmLmConfig& config, int64_t vocab_size, ParameterStore& store);

  struct Output {
    Var logits;      // (T * B, V)
    RnnState state;  // final state of every layer
  };
  // ids (T, B) i32. keep (T, B) resets the state where a document starts (optional).
  Output forward(const ForwardContext& ctx, const Tensor& ids, const RnnState& state,
                 const Tensor& keep) const;
  RnnState zero_state(int64_t batch, DType dtype) const { return rnn_.zero_state(batch, dtype); }
  const LstmLmConfig& config() const { return config_; }

 private:
  LstmLmConfig config_;
  Embedding embedding_;
  RnnStack rnn_;
  Linear output_;
};

}  // namespace recur
