// Transformer encoder-decoder (Vaswani et al.): embeddings scaled by sqrt(d) plus sinusoidal or
// learned positions -> encoder layers (self-attention, feed-forward) -> decoder layers (causal
// self-attention, cross-attention, feed-forward) -> output layer, optionally tied to the target
// embeddings. Pre-norm or post-norm residual blocks.
//
// The interface is that of Seq2Seq, so the same search and tasks can drive it: the full decoder
// runs all target positions at once for training; step() decodes one position with a key/value
// cache and gives the same outputs as the full decoder.
//
// Parameter paths: source_embedding/weight, target_embedding/weight, positions/{source,target}
// (learned), encoder/layer{l}/{self_attention/{q,k,v,o}, self_norm, feed_forward/{in,out},
// feed_forward_norm}, encoder/norm (pre-norm), decoder/layer{l}/{self_attention, self_norm,
// cross_attention, cross_norm, feed_forward, feed_forward_norm}, decoder/norm (pre-norm), output.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "data/parallel_corpus.h"
#include "nn/transformer_layers.h"
#include "transformer/transformer_config.h"

namespace recur {

class Transformer {
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
    std::vector<Var> self_keys, self_values;    // per layer (B, positions so far, D)
    std::vector<Var> cross_keys, cross_values;  // per layer (B, S, D), from the memory
  };
  DecoderState start(const ForwardContext& ctx, const Memory& memory) const;

  struct Step {
    Var output;        // (B, D): what the output layer reads
    Tensor attention;  // (B, S): the top layer's cross-attention, averaged over heads
  };
  // Target position `position` for every row: `tokens` (B) are the previous target tokens.
  Step step(const ForwardContext& ctx, const Memory& memory, const Tensor& tokens,
            DecoderState& state, int64_t position) const;

  // (..., D) -> (..., target vocabulary)
  Var logits(const ForwardContext& ctx, const Var& outputs) const;
  // Teacher forcing over a batch: logits (T * B, target vocabulary), rows time-major.
  Var forward(const ForwardContext& ctx, const Seq2SeqBatch& batch) const;

  const TransformerConfig& config() const { return config_; }

 private:
  struct EncoderLayer {
    MultiHeadAttention self_attention;
    LayerNorm self_norm;
    FeedForward feed_forward;
    LayerNorm feed_forward_norm;
  };
  struct DecoderLayer {
    MultiHeadAttention self_attention;
    LayerNorm self_norm;
    MultiHeadAttention cross_attention;
    LayerNorm cross_norm;
    FeedForward feed_forward;
    LayerNorm feed_forward_norm;
  };
  using Sublayer = std::function<Var(const Var&)>;

  // Token ids (T, B) time-major -> (B, T, D) scaled embeddings plus positions [first, first + T),
  // with dropout.
  Var embed(const ForwardContext& ctx, const Embedding& embedding, const Parameter* positions,
            const Tensor& ids, int64_t first, const std::string& site) const;
  // The decoder stack over all target positions at once: (B, T, D).
  Var decode(const ForwardContext& ctx, const Memory& memory, const Tensor& target_in) const;
  // x + dropout(f(norm(x))) with pre-norm, norm(x + dropout(f(x))) with post-norm.
  Var residual(const ForwardContext& ctx, const Var& x, const LayerNorm& norm, const Sublayer& f,
               const std::string& site) const;
  // The feed-forward sub-layer of an encoder or decoder layer under `path`, with its residual.
  template <class Layer>
  Var feed_forward_block(const ForwardContext& ctx, const Var& x, const Layer& layer,
                         const std::string& path) const;

  TransformerConfig config_;
  Embedding source_embedding_, target_embedding_;
  Parameter* source_positions_ = nullptr;  // learned positions only
  Parameter* target_positions_ = nullptr;
  std::vector<EncoderLayer> encoder_;
  std::vector<DecoderLayer> decoder_;
  std::optional<LayerNorm> encoder_norm_, decoder_norm_;  // pre-norm only
  Linear output_;
};

}  // namespace recur
