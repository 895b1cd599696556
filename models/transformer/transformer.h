// Transformer encoder-decoder (Vaswani et al.): embeddings scaled by sqrt(d) plus sinusoidal or
// learned positions -> encoder layers (self-attention, feed-forward) -> decoder layers (causal
// self-attention, cross-attention, feed-forward) -> output layer, optionally tied to the target
// embeddings. Pre-norm or post-norm residual blocks.
//
// A TranslationModel like Seq2Seq, so the same task, search and translator drive it: the full
// decoder runs all target positions at once for training; step() decodes one position with a
// key/value cache and gives the same outputs as the full decoder.
//
// Parameter paths: source_embedding/weight, target_embedding/weight (none with share_embeddings:
// the source embeddings serve both sides), positions/{source,target}
// (learned), encoder/layer{l}/{self_attention/{q,k,v,o}, self_norm, feed_forward/{in,out},
// feed_forward_norm}, encoder/norm (pre-norm), decoder/layer{l}/{self_attention, self_norm,
// cross_attention, cross_norm, feed_forward, feed_forward_norm}, decoder/norm (pre-norm), output.
#pragma once

#include <optional>
#include <vector>

#include "transformer/transformer_blocks.h"
#include "transformer/transformer_config.h"
#include "translation/translation_model.h"

namespace recur {

class Transformer final : public TranslationModel {
 public:
  Transformer(const TransformerConfig& config, int64_t source_vocab, int64_t target_vocab,
              ParameterStore& store);

  struct Memory {
    Var states;      // (B, S, D): the encoder's output
    Tensor lengths;  // (B) i32
  };
  // source (S, B) i32, lengths (B).
  Memory encode(const ForwardContext& ctx, const Tensor& source, const Tensor& lengths) const;

  // What step() needs from earlier positions: each decoder layer's keys and values.
  struct DecoderState {
    std::vector<DecoderLayer::Cache> layers;
  };
  DecoderState start(const ForwardContext& ctx, const Memory& memory) const;

  using Step = DecoderStep;  // output (B, D); attention: the top layer's, averaged over heads
  // Target position `position` for every row: `tokens` (B) are the previous target tokens.
  Step step(const ForwardContext& ctx, const Memory& memory, const Tensor& tokens,
            DecoderState& state, int64_t position) const;

  // (..., D) -> (..., target vocabulary)
  Var logits(const ForwardContext& ctx, const Var& outputs) const override;
  // Teacher forcing over a batch: logits (T * B, target vocabulary), rows time-major.
  Var forward(const ForwardContext& ctx, const Seq2SeqBatch& batch) const override;

  std::unique_ptr<IncrementalDecoder> start_decoding(
      const ForwardContext& ctx, const Tensor& source, const Tensor& lengths,
      const std::vector<int64_t>& rows) const override;
  bool reverses_source() const override { return false; }
  bool has_attention() const override { return true; }
  double label_smoothing() const override { return config_.label_smoothing; }

  const TransformerConfig& config() const { return config_; }
  // Matrix-product FLOPs of forward (teacher forcing) over one sentence pair of these lengths.
  double forward_flops(int64_t source_length, int64_t target_length) const;

 private:
  // The decoder stack over all target positions at once: (B, T, D).
  Var decode(const ForwardContext& ctx, const Memory& memory, const Tensor& target_in) const;

  TransformerConfig config_;
  Embedding source_embedding_, target_embedding_;
  Parameter* source_positions_ = nullptr;  // learned positions only
  Parameter* target_positions_ = nullptr;
  std::vector<SelfAttentionLayer> encoder_;
  std::vector<DecoderLayer> decoder_;
  std::optional<LayerNorm> encoder_norm_, decoder_norm_;  // pre-norm only
  Linear output_;
};

}  // namespace recur
