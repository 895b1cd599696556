#include "transformer/transformer.h"

#include <cmath>

#include "autograd/ops.h"
#include "core/error.h"

namespace recur {

namespace {

std::string layer_path(const char* stack, size_t l) {
  return concat(stack, "/layer", l);
}

// Every row sees `length` keys: causal self-attention needs no padding mask, because padding
// comes after a sentence and no real position looks ahead.
Tensor all_visible(int64_t batch, int64_t length) {
  return Tensor::full({batch}, DType::I32, static_cast<double>(length));
}

// probs (B, H, 1, S) -> (B, S): the alignment of one decoder position, averaged over heads.
Tensor mean_over_heads(const Tensor& probs) {
  const int64_t B = probs.dim(0), H = probs.dim(1), S = probs.dim(3);
  Tensor out = Tensor::zeros({B, S}, probs.dtype());
  dispatch_float(probs.dtype(), [&]<class T>() {
    const T* p = probs.data<T>();
    T* o = out.data<T>();
    for (int64_t b = 0; b < B; ++b) {
      for (int64_t h = 0; h < H; ++h) {
        for (int64_t s = 0; s < S; ++s)
          o[b * S + s] += p[(b * H + h) * S + s] / T(H);
      }
    }
  });
  return out;
}

Linear make_output(const TransformerConfig& c, int64_t target_vocab, ParameterStore& store,
                   const Embedding& target) {
  if (c.tie_embeddings) return Linear(store, "output", target.weight());
  return Linear(store, "output", c.model_size, target_vocab);
}

}  // namespace

Transformer::Transformer(const TransformerConfig& config, int64_t source_vocab,
                         int64_t target_vocab, ParameterStore& store)
    : config_(config),
      // Normal(0, 1/sqrt(D)) scaled up by sqrt(D) in embed(): unit-variance inputs, and output
      // logits of a sensible size when the output layer is tied to the target embeddings.
      source_embedding_(store, "source_embedding", source_vocab, config.model_size,
                        1.0 / std::sqrt(static_cast<double>(config.model_size))),
      target_embedding_(store, "target_embedding", target_vocab, config.model_size,
                        1.0 / std::sqrt(static_cast<double>(config.model_size))),
      output_(make_output(config, target_vocab, store, target_embedding_)) {
  const int64_t D = config.model_size, H = config.heads, F = config.feed_forward_size;
  if (config.positions == PositionType::Learned) {
    const Shape shape{config.max_positions, D};
    source_positions_ = store.declare("positions/source", shape, Init::normal(0.02));
    target_positions_ = store.declare("positions/target", shape, Init::normal(0.02));
  }
  for (size_t l = 0; l < static_cast<size_t>(config.encoder_layers); ++l) {
    const std::string p = layer_path("encoder", l);
    encoder_.push_back({MultiHeadAttention(store, p + "/self_attention", D, H),
                        LayerNorm(store, p + "/self_norm", D),
                        FeedForward(store, p + "/feed_forward", D, F),
                        LayerNorm(store, p + "/feed_forward_norm", D)});
  }
  for (size_t l = 0; l < static_cast<size_t>(config.decoder_layers); ++l) {
    const std::string p = layer_path("decoder", l);
    decoder_.push_back({MultiHeadAttention(store, p + "/self_attention", D, H),
                        LayerNorm(store, p + "/self_norm", D),
                        MultiHeadAttention(store, p + "/cross_attention", D, H),
                        LayerNorm(store, p + "/cross_norm", D),
                        FeedForward(store, p + "/feed_forward", D, F),
                        LayerNorm(store, p + "/feed_forward_norm", D)});
  }
  if (config.pre_norm) {
    encoder_norm_.emplace(store, "encoder/norm", D);
    decoder_norm_.emplace(store, "decoder/norm", D);
  }
}

Var Transformer::embed(const ForwardContext& ctx, const Embedding& embedding,
                       const Parameter* positions, const Tensor& ids, int64_t first,
                       const std::string& site) const {
  Tape& tape = ctx.tape;
  const int64_t T = ids.dim(0), B = ids.dim(1), D = config_.model_size;
  Var x = embedding.forward(tape, ids);                                       // (T, B, D)
  x = swap_leading(tape, scale(tape, x, std::sqrt(static_cast<double>(D))));  // (B, T, D)
  Var position_rows;                                                          // (T * D)
  if (positions) {
    RECUR_CHECK(first + T <= config_.max_positions, "a sequence of ", first + T,
                " tokens is longer than model.max_positions (", config_.max_positions, ")");
    position_rows = reshape(tape, slice(tape, positions->var(), 0, first, first + T), {T * D});
  } else {
    position_rows = Var(sinusoidal_positions(first, T, D, x.dtype()).reshape({T * D}));
  }
  x = reshape(tape, add_bias(tape, reshape(tape, x, {B, T * D}), position_rows), {B, T, D});
  return dropout_batch_major(ctx, x, config_.dropout, site);
}

Var Transformer::residual(const ForwardContext& ctx, const Var& x, const LayerNorm& norm,
                          const Sublayer& f, const std::string& site) const {
  Tape& tape = ctx.tape;
  if (config_.pre_norm)
    return add(tape, x, dropout_batch_major(ctx, f(norm.forward(tape, x)), config_.dropout, site));
  return norm.forward(tape, add(tape, x, dropout_batch_major(ctx, f(x), config_.dropout, site)));
}

template <class Layer>
Var Transformer::feed_forward_block(const ForwardContext& ctx, const Var& x, const Layer& layer,
                                    const std::string& path) const {
  return residual(
      ctx, x, layer.feed_forward_norm,
      [&](const Var& y) {
        return layer.feed_forward.forward(ctx, y, config_.dropout, path + "/feed_forward/hidden");
      },
      path + "/feed_forward");
}

Transformer::Memory Transformer::encode(const ForwardContext& outer, const Tensor& source,
                                        const Tensor& lengths) const {
  ForwardContext ctx = outer;
  ctx.time_offset = 0;
  Tape& tape = ctx.tape;
  Var x = embed(ctx, source_embedding_, source_positions_, source, 0, "source_embedding");
  for (size_t l = 0; l < encoder_.size(); ++l) {
    const EncoderLayer& layer = encoder_[l];
    const std::string p = layer_path("encoder", l);
    x = residual(
        ctx, x, layer.self_norm,
        [&](const Var& y) { return layer.self_attention.forward(tape, y, y, lengths, false).out; },
        p + "/self_attention");
    x = feed_forward_block(ctx, x, layer, p);
  }
  if (encoder_norm_) x = encoder_norm_->forward(tape, x);
  return {x, lengths};
}

Var Transformer::decode(const ForwardContext& ctx, const Memory& memory,
                        const Tensor& target_in) const {
  Tape& tape = ctx.tape;
  Var x = embed(ctx, target_embedding_, target_positions_, target_in, 0, "target_embedding");
  const Tensor visible = all_visible(x.shape()[0], x.shape()[1]);
  for (size_t l = 0; l < decoder_.size(); ++l) {
    const DecoderLayer& layer = decoder_[l];
    const std::string p = layer_path("decoder", l);
    x = residual(
        ctx, x, layer.self_norm,
        [&](const Var& y) { return layer.self_attention.forward(tape, y, y, visible, true).out; },
        p + "/self_attention");
    x = residual(
        ctx, x, layer.cross_norm,
        [&](const Var& y) {
          return layer.cross_attention.forward(tape, y, memory.states, memory.lengths, false).out;
        },
        p + "/cross_attention");
    x = feed_forward_block(ctx, x, layer, p);
  }
  return decoder_norm_ ? decoder_norm_->forward(tape, x) : x;
}

Transformer::DecoderState Transformer::start(const ForwardContext& ctx,
                                             const Memory& memory) const {
  DecoderState state;
  for (const DecoderLayer& layer : decoder_) {
    state.self_keys.emplace_back();
    state.self_values.emplace_back();
    state.cross_keys.push_back(layer.cross_attention.keys(ctx.tape, memory.states));
    state.cross_values.push_back(layer.cross_attention.values(ctx.tape, memory.states));
  }
  return state;
}

Transformer::Step Transformer::step(const ForwardContext& outer, const Memory& memory,
                                    const Tensor& tokens, DecoderState& state,
                                    int64_t position) const {
  ForwardContext ctx = outer;
  ctx.time_offset = position;  // dropout masks as in the full decoder's row `position`
  Tape& tape = ctx.tape;
  const int64_t B = tokens.numel(), D = config_.model_size;
  Var x = embed(ctx, target_embedding_, target_positions_, tokens.reshape({1, B}), position,
                "target_embedding");  // (B, 1, D)
  const Tensor visible = all_visible(B, position + 1);
  Tensor alignment;
  for (size_t l = 0; l < decoder_.size(); ++l) {
    const DecoderLayer& layer = decoder_[l];
    const std::string p = layer_path("decoder", l);
    x = residual(
        ctx, x, layer.self_norm,
        [&](const Var& y) {
          // The cache grows by this position's key and value: (B, position + 1, D).
          auto append = [&](Var& cache, const Var& next) {
            cache = cache.defined() ? concat(tape, {cache, next}, 1) : next;
          };
          append(state.self_keys[l], layer.self_attention.keys(tape, y));
          append(state.self_values[l], layer.self_attention.values(tape, y));
          return layer.self_attention
              .attend(tape, y, state.self_keys[l], state.self_values[l], visible, false)
              .out;
        },
        p + "/self_attention");
    x = residual(
        ctx, x, layer.cross_norm,
        [&](const Var& y) {
          MultiHeadAttentionOutputs r = layer.cross_attention.attend(
              tape, y, state.cross_keys[l], state.cross_values[l], memory.lengths, false);
          if (l + 1 == decoder_.size()) alignment = mean_over_heads(r.probs);
          return r.out;
        },
        p + "/cross_attention");
    x = feed_forward_block(ctx, x, layer, p);
  }
  if (decoder_norm_) x = decoder_norm_->forward(tape, x);
  return {reshape(tape, x, {B, D}), alignment};
}

Var Transformer::logits(const ForwardContext& ctx, const Var& outputs) const {
  return output_.forward(ctx.tape, outputs);
}

Var Transformer::forward(const ForwardContext& outer, const Seq2SeqBatch& batch) const {
  ForwardContext ctx = outer;
  ctx.time_offset = 0;
  const Memory memory = encode(ctx, batch.source, batch.source_lengths);
  const Var states = swap_leading(ctx.tape, decode(ctx, memory, batch.target_in));  // (T, B, D)
  const int64_t rows = batch.target_in.numel();
  return reshape(ctx.tape, logits(ctx, states), {rows, output_.weight()->shape()[0]});
}

}  // namespace recur
