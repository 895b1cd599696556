// Recurrent language model: embedding -> stacked LSTM or GRU -> linear layer over the vocabulary.
//
// Parameter paths: embedding/weight (V, E); rnn/layer{l}/fwd/{w_ih, w_hh, b_ih, b_hh} in PyTorch's
// layout; output/weight (V, H) (absent when tied to the embedding) and output/bias (V).
#pragma once

#include "language/language_model.h"
#include "lstm_lm/lstm_lm_config.h"
#include "nn/context.h"
#include "nn/layers.h"
#include "nn/rnn_stack.h"

namespace recur {

class LstmLm final : public LanguageModel {
 public:
  LstmLm(const LstmLmConfig& config, int64_t vocab_size, ParameterStore& store);

  // Output::state: the final state of every layer.
  Output forward(const ForwardContext& ctx, const Tensor& ids, const RnnState& state,
                 const Tensor& keep) const override;
  RnnState zero_state(int64_t batch, DType dtype) const override {
    return rnn_.zero_state(batch, dtype);
  }
  int64_t state_layers() const override { return config_.layers; }
  int64_t state_size() const override { return config_.hidden_size; }
  bool state_has_cell() const override { return config_.cell == CellType::Lstm; }
  int64_t context_limit() const override { return 0; }
  const LstmLmConfig& config() const { return config_; }
  // Matrix-product FLOPs of forward per token: the recurrent stack and the output layer.
  double forward_flops_per_token() const;

 private:
  LstmLmConfig config_;
  Embedding embedding_;
  RnnStack rnn_;
  Linear output_;
};

}  // namespace recur
