#include "nn/transformer_layers.h"

#include <cmath>

#include "autograd/ops/dropout.h"
#include "autograd/ops/elementwise.h"
#include "autograd/ops/layer_norm.h"
#include "autograd/ops/shape.h"

namespace recur {

LayerNorm::LayerNorm(ParameterStore& store, const std::string& path, int64_t dim)
    : gain_(store.declare(path + "/gain", {dim}, Init::constant(1.0))),
      bias_(store.declare(path + "/bias", {dim}, Init::zeros())) {}

Var LayerNorm::forward(Tape& tape, const Var& x) const {
  return layer_norm(tape, x, gain_->var(), bias_->var());
}

MultiHeadAttention::MultiHeadAttention(ParameterStore& store, const std::string& path, int64_t dim,
                                       int64_t heads)
    : heads_(heads),
      q_(store, path + "/q", dim, dim),
      k_(store, path + "/k", dim, dim),
      v_(store, path + "/v", dim, dim),
      o_(store, path + "/o", dim, dim) {}

MultiHeadAttentionOutputs MultiHeadAttention::attend(Tape& tape, const Var& query, const Var& keys,
                                                     const Var& values, const Tensor& key_lengths,
                                                     bool causal) const {
  MultiHeadAttentionOutputs result = multi_head_attention(tape, q_.forward(tape, query), keys,
                                                          values, key_lengths, heads_, causal);
  result.out = o_.forward(tape, result.out);
  return result;
}

MultiHeadAttentionOutputs MultiHeadAttention::forward(Tape& tape, const Var& query,
                                                      const Var& memory, const Tensor& key_lengths,
                                                      bool causal) const {
  return attend(tape, query, keys(tape, memory), values(tape, memory), key_lengths, causal);
}

FeedForward::FeedForward(ParameterStore& store, const std::string& path, int64_t dim,
                         int64_t hidden)
    : in_(store, path + "/in", dim, hidden), out_(store, path + "/out", hidden, dim) {}

Var FeedForward::forward(const ForwardContext& ctx, const Var& x, double dropout_p,
                         const std::string& site) const {
  const Var hidden = relu(ctx.tape, in_.forward(ctx.tape, x));
  return out_.forward(ctx.tape, dropout_batch_major(ctx, hidden, dropout_p, site));
}

Var dropout_batch_major(const ForwardContext& ctx, const Var& x, double p,
                        const std::string& site) {
  if (!ctx.training || p == 0.0) return x;
  // (B, T, W) as (B, T * W): element (b, t, w) draws number (time_offset) * T * W + t * W + w of
  // row b's substream, a function of the global row and the position only.
  const Shape shape = x.shape();
  const Var rows = reshape(ctx.tape, x, {shape[0], shape[1] * shape[2]});
  return reshape(ctx.tape, dropout(ctx.tape, rows, ctx.dropout(p, site)), shape);
}

Tensor sinusoidal_positions(int64_t first, int64_t count, int64_t dim, DType dtype, Device device) {
  Tensor out = Tensor::empty({count, dim}, dtype);
  dispatch_float(dtype, [&]<class T>() {
    T* p = out.data<T>();
    for (int64_t t = 0; t < count; ++t) {
      for (int64_t i = 0; i < dim; ++i) {
        const double rate = std::pow(10000.0, -static_cast<double>(i - i % 2) / double(dim));
        const double angle = static_cast<double>(first + t) * rate;
        p[t * dim + i] = static_cast<T>(i % 2 == 0 ? std::sin(angle) : std::cos(angle));
      }
    }
  });
  return out.on(device);
}

}  // namespace recur
