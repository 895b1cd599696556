// What the transformer encoder-decoder and the transformer language model are both built from:
// scaled embeddings plus positions, residual sub-layers (pre- or post-norm) and the
// self-attention + feed-forward layer (an encoder layer; a language model's layer when causal).
//
// Activations are batch-major (B, T, D) throughout.
#pragma once

#include <functional>
#include <string>

#include "nn/transformer_layers.h"
#include "transformer/transformer_config.h"

namespace recur {

// The standard deviation of embedding weights, 1/sqrt(D): embed_tokens() scales them up by sqrt(D)
// to unit-variance inputs, and a tied output layer gives logits of a sensible size.
double embedding_std(const TransformerConfig& config);
// The output layer under "output": the embedding matrix when config.tie_embeddings, else its own.
Linear output_layer(ParameterStore& store, const TransformerConfig& config, int64_t vocab,
                    const Embedding& embedding);

// Token ids (T, B) time-major -> (B, T, D): embeddings scaled by sqrt(D) plus positions
// [first, first + T) (learned `positions`, or sinusoids when null), with dropout.
Var embed_tokens(const ForwardContext& ctx, const TransformerConfig& config,
                 const Embedding& embedding, const Parameter* positions, const Tensor& ids,
                 int64_t first, const std::string& site);

// x + dropout(f(norm(x))) with pre-norm, norm(x + dropout(f(x))) with post-norm.
using Sublayer = std::function<Var(const Var&)>;
Var residual_block(const ForwardContext& ctx, const TransformerConfig& config, const Var& x,
                   const LayerNorm& norm, const Sublayer& f, const std::string& site);

// The position-wise feed-forward sub-layer under `path` with its residual.
Var feed_forward_block(const ForwardContext& ctx, const TransformerConfig& config, const Var& x,
                       const FeedForward& feed_forward, const LayerNorm& norm,
                       const std::string& path);

// Self-attention then feed-forward. Parameters: path/{self_attention, self_norm, feed_forward,
// feed_forward_norm}.
class SelfAttentionLayer {
 public:
  SelfAttentionLayer(ParameterStore& store, const std::string& path,
                     const TransformerConfig& config);
  // x (B, T, D): row b sees its first lengths[b] positions, and with `causal` none after its own.
  Var forward(const ForwardContext& ctx, const TransformerConfig& config, const Var& x,
              const Tensor& lengths, bool causal) const;

 private:
  std::string path_;
  MultiHeadAttention self_attention_;
  LayerNorm self_norm_;
  FeedForward feed_forward_;
  LayerNorm feed_forward_norm_;
};

// "encoder/layer3"
std::string layer_path(const char* stack, size_t layer);

// Every row of a batch sees `length` keys: causal self-attention needs no padding mask, because
// padding comes after a sequence and no real position looks ahead.
Tensor all_visible(int64_t batch, int64_t length);

}  // namespace recur
