#include "transformer/transformer_blocks.h"

#include <cmath>

#include "autograd/ops.h"
#include "core/error.h"

namespace recur {

double embedding_std(const TransformerConfig& config) {
  return 1.0 / std::sqrt(static_cast<double>(config.model_size));
}

Linear output_layer(ParameterStore& store, const TransformerConfig& config, int64_t vocab,
                    const Embedding& embedding) {
  if (config.tie_embeddings) return Linear(store, "output", embedding.weight());
  return Linear(store, "output", config.model_size, vocab);
}

Var embed_tokens(const ForwardContext& ctx, const TransformerConfig& config,
                 const Embedding& embedding, const Parameter* positions, const Tensor& ids,
                 int64_t first, const std::string& site) {
  Tape& tape = ctx.tape;
  const int64_t T = ids.dim(0), B = ids.dim(1), D = config.model_size;
  Var x = embedding.forward(tape, ids);                                       // (T, B, D)
  x = swap_leading(tape, scale(tape, x, std::sqrt(static_cast<double>(D))));  // (B, T, D)
  Var position_rows;                                                          // (T * D)
  if (positions) {
    RECUR_CHECK(first + T <= config.max_positions, "a sequence of ", first + T,
                " tokens is longer than model.max_positions (", config.max_positions, ")");
    position_rows = reshape(tape, slice(tape, positions->var(), 0, first, first + T), {T * D});
  } else {
    position_rows = Var(sinusoidal_positions(first, T, D, x.dtype(), x.device()).reshape({T * D}));
  }
  x = reshape(tape, add_bias(tape, reshape(tape, x, {B, T * D}), position_rows), {B, T, D});
  return dropout_batch_major(ctx, x, config.dropout, site);
}

Var residual_block(const ForwardContext& ctx, const TransformerConfig& config, const Var& x,
                   const LayerNorm& norm, const Sublayer& f, const std::string& site) {
  Tape& tape = ctx.tape;
  if (config.pre_norm)
    return add(tape, x, dropout_batch_major(ctx, f(norm.forward(tape, x)), config.dropout, site));
  return norm.forward(tape, add(tape, x, dropout_batch_major(ctx, f(x), config.dropout, site)));
}

Var feed_forward_block(const ForwardContext& ctx, const TransformerConfig& config, const Var& x,
                       const FeedForward& feed_forward, const LayerNorm& norm,
                       const std::string& path) {
  return residual_block(
      ctx, config, x, norm,
      [&](const Var& y) {
        return feed_forward.forward(ctx, y, config.dropout, path + "/feed_forward/hidden");
      },
      path + "/feed_forward");
}

SelfAttentionLayer::SelfAttentionLayer(ParameterStore& store, const std::string& path,
                                       const TransformerConfig& config)
    : path_(path),
      self_attention_(store, path + "/self_attention", config.model_size, config.heads),
      self_norm_(store, path + "/self_norm", config.model_size),
      feed_forward_(store, path + "/feed_forward", config.model_size, config.feed_forward_size),
      feed_forward_norm_(store, path + "/feed_forward_norm", config.model_size) {}

Var SelfAttentionLayer::forward(const ForwardContext& ctx, const TransformerConfig& config,
                                const Var& x, const Tensor& lengths, bool causal) const {
  const Var y = residual_block(
      ctx, config, x, self_norm_,
      [&](const Var& z) { return self_attention_.forward(ctx.tape, z, z, lengths, causal).out; },
      path_ + "/self_attention");
  return feed_forward_block(ctx, config, y, feed_forward_, feed_forward_norm_, path_);
}

DecoderLayer::DecoderLayer(ParameterStore& store, const std::string& path,
                           const TransformerConfig& config)
    : path_(path),
      self_attention_(store, path + "/self_attention", config.model_size, config.heads),
      self_norm_(store, path + "/self_norm", config.model_size),
      cross_attention_(store, path + "/cross_attention", config.model_size, config.heads),
      cross_norm_(store, path + "/cross_norm", config.model_size),
      feed_forward_(store, path + "/feed_forward", config.model_size, config.feed_forward_size),
      feed_forward_norm_(store, path + "/feed_forward_norm", config.model_size) {}

Var DecoderLayer::sublayers(const ForwardContext& ctx, const TransformerConfig& config,
                            const Var& x, const Sublayer& self_attend,
                            const Sublayer& cross_attend) const {
  Var y = residual_block(ctx, config, x, self_norm_, self_attend, path_ + "/self_attention");
  y = residual_block(ctx, config, y, cross_norm_, cross_attend, path_ + "/cross_attention");
  return feed_forward_block(ctx, config, y, feed_forward_, feed_forward_norm_, path_);
}

Var DecoderLayer::forward(const ForwardContext& ctx, const TransformerConfig& config, const Var& x,
                          const Var& memory, const Tensor& memory_lengths) const {
  Tape& tape = ctx.tape;
  const Tensor visible = all_visible(x.shape()[0], x.shape()[1]);
  return sublayers(
      ctx, config, x,
      [&](const Var& z) { return self_attention_.forward(tape, z, z, visible, true).out; },
      [&](const Var& z) {
        return cross_attention_.forward(tape, z, memory, memory_lengths, false).out;
      });
}

DecoderLayer::Cache DecoderLayer::start(Tape& tape, const Var& memory) const {
  return {Var(), Var(), cross_attention_.keys(tape, memory), cross_attention_.values(tape, memory)};
}

Var DecoderLayer::step(const ForwardContext& ctx, const TransformerConfig& config, const Var& x,
                       Cache& cache, const Tensor& memory_lengths, Tensor* alignment) const {
  Tape& tape = ctx.tape;
  auto append = [&](Var& cached, const Var& next) {
    cached = cached.defined() ? concat(tape, {cached, next}, 1) : next;
  };
  return sublayers(
      ctx, config, x,
      [&](const Var& z) {
        append(cache.self_keys, self_attention_.keys(tape, z));
        append(cache.self_values, self_attention_.values(tape, z));
        const Tensor visible = all_visible(z.shape()[0], cache.self_keys.shape()[1]);
        return self_attention_.attend(tape, z, cache.self_keys, cache.self_values, visible, false)
            .out;
      },
      [&](const Var& z) {
        MultiHeadAttentionOutputs r = cross_attention_.attend(
            tape, z, cache.cross_keys, cache.cross_values, memory_lengths, false);
        if (alignment) *alignment = r.probs;
        return r.out;
      });
}

std::string layer_path(const char* stack, size_t layer) {
  return concat(stack, "/layer", layer);
}

Tensor all_visible(int64_t batch, int64_t length) {
  return Tensor::full({batch}, DType::I32, static_cast<double>(length));
}

}  // namespace recur
