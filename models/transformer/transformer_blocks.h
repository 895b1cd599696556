// What the transformer encoder-decoder and the transformer language model are both built from:
// scaled embeddings plus positions, residual sub-layers (pre- or post-norm) and the
// self-attention + feed-forward layer (an encoder layer; a language model's layer when causal);
// also the encoder-decoder's decoder layer.
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

// Causal self-attention, cross-attention over the encoder's output, then feed-forward: a layer of
// the encoder-decoder's decoder. Parameters: path/{self_attention, self_norm, cross_attention,
// cross_norm, feed_forward, feed_forward_norm}.
class DecoderLayer {
 public:
  DecoderLayer(ParameterStore& store, const std::string& path, const TransformerConfig& config);

  // All target positions at once: x (B, T, D); memory (B, S, D), row b's first lengths[b] valid.
  Var forward(const ForwardContext& ctx, const TransformerConfig& config, const Var& x,
              const Var& memory, const Tensor& memory_lengths) const;

  // The keys and values of earlier positions (self-attention; grows by one position each step)
  // and of the memory (cross-attention; fixed), for decoding one position at a time.
  struct Cache {
    Var self_keys, self_values;    // (B, positions so far, D)
    Var cross_keys, cross_values;  // (B, S, D)
  };
  Cache start(Tape& tape, const Var& memory) const;
  // One position: x (B, 1, D) -> (B, 1, D), the full forward's row at that position; appends its
  // key and value to the cache. `alignment`, when given, receives the cross-attention weights
  // (B, H, 1, S).
  Var step(const ForwardContext& ctx, const TransformerConfig& config, const Var& x, Cache& cache,
           const Tensor& memory_lengths, Tensor* alignment) const;

 private:
  // The three residual sub-layers around the given self- and cross-attention.
  Var sublayers(const ForwardContext& ctx, const TransformerConfig& config, const Var& x,
                const Sublayer& self_attend, const Sublayer& cross_attend) const;

  std::string path_;
  MultiHeadAttention self_attention_;
  LayerNorm self_norm_;
  MultiHeadAttention cross_attention_;
  LayerNorm cross_norm_;
  FeedForward feed_forward_;
  LayerNorm feed_forward_norm_;
};

// "encoder/layer3"
std::string layer_path(const char* stack, size_t layer);

// Every row of a batch sees `length` keys: causal self-attention needs no padding mask, because
// padding comes after a sequence and no real position looks ahead.
Tensor all_visible(int64_t batch, int64_t length);

}  // namespace recur
