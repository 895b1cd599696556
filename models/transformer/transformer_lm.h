// Transformer language model (decoder-only, causal): scaled embeddings plus positions -> layers of
// causal self-attention and feed-forward -> final layer norm (pre-norm) -> output layer, tied to
// the embeddings when configured. It reads windows of at most `context` tokens of the same token
// streams as the LSTM LM; positions start at 0 in every window and nothing is carried from one
// window to the next. Like GPT-2 on concatenated text, attention may cross a document boundary
// inside a window (the LSTM LM resets its state there).
//
// Parameter paths: embedding/weight, positions (learned), layer{l}/{self_attention, self_norm,
// feed_forward, feed_forward_norm}, norm (pre-norm), output (untied).
#pragma once

#include <optional>
#include <vector>

#include "language/language_model.h"
#include "transformer/transformer_blocks.h"

namespace recur {

class TransformerLm final : public LanguageModel {
 public:
  // config.layers layers; context: the longest window (the training window, training.bptt).
  TransformerLm(const TransformerConfig& config, int64_t vocab_size, int64_t context,
                ParameterStore& store);

  // ids (T, B), T <= context; state and keep are not used. Output::state is empty.
  Output forward(const ForwardContext& ctx, const Tensor& ids, const RnnState& state,
                 const Tensor& keep) const override;
  RnnState zero_state(int64_t, DType) const override { return {}; }
  int64_t state_layers() const override { return 0; }
  int64_t state_size() const override { return 0; }
  bool state_has_cell() const override { return false; }
  int64_t context_limit() const override { return context_; }

 private:
  TransformerConfig config_;
  int64_t context_;
  Embedding embedding_;
  Parameter* positions_ = nullptr;  // learned positions only
  std::vector<SelfAttentionLayer> layers_;
  std::optional<LayerNorm> norm_;  // pre-norm only
  Linear output_;
};

}  // namespace recur
