#include "transformer/transformer.h"

#include <cmath>

#include "autograd/ops.h"
#include "core/error.h"
#include "transformer/transformer_blocks.h"

namespace recur {

namespace {

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

// Decoding with the key/value cache: reordering hypotheses reorders each layer's self-attention
// cache; the cross-attention keys and values depend only on the source sentence.
class TransformerDecoder final : public IncrementalDecoder {
 public:
  TransformerDecoder(const Transformer& model, const ForwardContext& ctx,
                     Transformer::Memory memory)
      : model_(model), ctx_(ctx), memory_(std::move(memory)), state_(model.start(ctx_, memory_)) {}

  DecoderStep step(const Tensor& tokens, int64_t position) override {
    return model_.step(ctx_, memory_, tokens, state_, position);
  }

  void reorder(const std::vector<int64_t>& rows) override {
    for (Var& k : state_.self_keys)
      k = select_rows(k, rows);
    for (Var& v : state_.self_values)
      v = select_rows(v, rows);
  }

 private:
  const Transformer& model_;
  ForwardContext ctx_;
  Transformer::Memory memory_;
  Transformer::DecoderState state_;
};

}  // namespace

Transformer::Transformer(const TransformerConfig& config, int64_t source_vocab,
                         int64_t target_vocab, ParameterStore& store)
    : config_(config),
      source_embedding_(store, "source_embedding", source_vocab, config.model_size,
                        embedding_std(config)),
      target_embedding_(config.share_embeddings
                            ? Embedding(source_embedding_.weight())
                            : Embedding(store, "target_embedding", target_vocab, config.model_size,
                                        embedding_std(config))),
      output_(output_layer(store, config, target_vocab, target_embedding_)) {
  RECUR_CHECK(!config.share_embeddings || source_vocab == target_vocab,
              "model.share_embeddings: the source vocabulary has ", source_vocab,
              " tokens, the target vocabulary ", target_vocab, " (set data.joint_vocab: true)");
  const int64_t D = config.model_size, H = config.heads, F = config.feed_forward_size;
  if (config.positions == PositionType::Learned) {
    const Shape shape{config.max_positions, D};
    source_positions_ = store.declare("positions/source", shape, Init::normal(0.02));
    target_positions_ = store.declare("positions/target", shape, Init::normal(0.02));
  }
  for (size_t l = 0; l < static_cast<size_t>(config.encoder_layers); ++l)
    encoder_.emplace_back(store, layer_path("encoder", l), config);
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

Transformer::Memory Transformer::encode(const ForwardContext& outer, const Tensor& source,
                                        const Tensor& lengths) const {
  ForwardContext ctx = outer;
  ctx.time_offset = 0;
  Tape& tape = ctx.tape;
  Var x = embed_tokens(ctx, config_, source_embedding_, source_positions_, source, 0,
                       "source_embedding");
  for (const SelfAttentionLayer& layer : encoder_)
    x = layer.forward(ctx, config_, x, lengths, false);
  if (encoder_norm_) x = encoder_norm_->forward(tape, x);
  return {x, lengths};
}

Var Transformer::decode(const ForwardContext& ctx, const Memory& memory,
                        const Tensor& target_in) const {
  Tape& tape = ctx.tape;
  Var x = embed_tokens(ctx, config_, target_embedding_, target_positions_, target_in, 0,
                       "target_embedding");
  const Tensor visible = all_visible(x.shape()[0], x.shape()[1]);
  for (size_t l = 0; l < decoder_.size(); ++l) {
    const DecoderLayer& layer = decoder_[l];
    const std::string p = layer_path("decoder", l);
    x = residual_block(
        ctx, config_, x, layer.self_norm,
        [&](const Var& y) { return layer.self_attention.forward(tape, y, y, visible, true).out; },
        p + "/self_attention");
    x = residual_block(
        ctx, config_, x, layer.cross_norm,
        [&](const Var& y) {
          return layer.cross_attention.forward(tape, y, memory.states, memory.lengths, false).out;
        },
        p + "/cross_attention");
    x = feed_forward_block(ctx, config_, x, layer.feed_forward, layer.feed_forward_norm, p);
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

std::unique_ptr<IncrementalDecoder> Transformer::start_decoding(
    const ForwardContext& ctx, const Tensor& source, const Tensor& lengths,
    const std::vector<int64_t>& rows) const {
  Memory memory = encode(ctx, source, lengths);
  memory.states = select_rows(memory.states, rows);
  memory.lengths = select_rows(memory.lengths, rows);
  return std::make_unique<TransformerDecoder>(*this, ctx, std::move(memory));
}

Transformer::Step Transformer::step(const ForwardContext& outer, const Memory& memory,
                                    const Tensor& tokens, DecoderState& state,
                                    int64_t position) const {
  ForwardContext ctx = outer;
  ctx.time_offset = position;  // dropout masks as in the full decoder's row `position`
  Tape& tape = ctx.tape;
  const int64_t B = tokens.numel(), D = config_.model_size;
  Var x = embed_tokens(ctx, config_, target_embedding_, target_positions_, tokens.reshape({1, B}),
                       position,
                       "target_embedding");  // (B, 1, D)
  const Tensor visible = all_visible(B, position + 1);
  Tensor alignment;
  for (size_t l = 0; l < decoder_.size(); ++l) {
    const DecoderLayer& layer = decoder_[l];
    const std::string p = layer_path("decoder", l);
    x = residual_block(
        ctx, config_, x, layer.self_norm,
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
    x = residual_block(
        ctx, config_, x, layer.cross_norm,
        [&](const Var& y) {
          MultiHeadAttentionOutputs r = layer.cross_attention.attend(
              tape, y, state.cross_keys[l], state.cross_values[l], memory.lengths, false);
          if (l + 1 == decoder_.size()) alignment = mean_over_heads(r.probs);
          return r.out;
        },
        p + "/cross_attention");
    x = feed_forward_block(ctx, config_, x, layer.feed_forward, layer.feed_forward_norm, p);
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
