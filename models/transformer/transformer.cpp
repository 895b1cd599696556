#include "transformer/transformer.h"

#include <cmath>

#include "autograd/ops.h"
#include "core/error.h"
#include "transformer/transformer_blocks.h"

namespace recur {

namespace {

// probs (B, H, 1, S) -> (B, S) on the host: the alignment of one decoder position, averaged over
// heads.
Tensor mean_over_heads(const Tensor& probs) {
  const int64_t B = probs.dim(0), H = probs.dim(1), S = probs.dim(3);
  const Tensor host_probs = probs.to_host();
  Tensor out = Tensor::zeros({B, S}, probs.dtype());
  dispatch_float(probs.dtype(), [&]<class T>() {
    const T* p = host_probs.data<T>();
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
    for (DecoderLayer::Cache& cache : state_.layers) {
      cache.self_keys = select_rows(cache.self_keys, rows);
      cache.self_values = select_rows(cache.self_values, rows);
    }
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
  if (config.positions == PositionType::Learned) {
    const Shape shape{config.max_positions, config.model_size};
    source_positions_ = store.declare("positions/source", shape, Init::normal(0.02));
    target_positions_ = store.declare("positions/target", shape, Init::normal(0.02));
  }
  for (size_t l = 0; l < static_cast<size_t>(config.encoder_layers); ++l)
    encoder_.emplace_back(store, layer_path("encoder", l), config);
  for (size_t l = 0; l < static_cast<size_t>(config.decoder_layers); ++l)
    decoder_.emplace_back(store, layer_path("decoder", l), config);
  if (config.pre_norm) {
    encoder_norm_.emplace(store, "encoder/norm", config.model_size);
    decoder_norm_.emplace(store, "decoder/norm", config.model_size);
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
  Var x = embed_tokens(ctx, config_, target_embedding_, target_positions_, target_in, 0,
                       "target_embedding");
  for (const DecoderLayer& layer : decoder_)
    x = layer.forward(ctx, config_, x, memory.states, memory.lengths);
  return decoder_norm_ ? decoder_norm_->forward(ctx.tape, x) : x;
}

Transformer::DecoderState Transformer::start(const ForwardContext& ctx,
                                             const Memory& memory) const {
  DecoderState state;
  for (const DecoderLayer& layer : decoder_)
    state.layers.push_back(layer.start(ctx.tape, memory.states));
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
  Tensor probs;                              // (B, H, 1, S): the top layer's cross-attention
  for (size_t l = 0; l < decoder_.size(); ++l) {
    const bool top = l + 1 == decoder_.size();
    x = decoder_[l].step(ctx, config_, x, state.layers[l], memory.lengths, top ? &probs : nullptr);
  }
  if (decoder_norm_) x = decoder_norm_->forward(tape, x);
  return {reshape(tape, x, {B, D}), mean_over_heads(probs)};
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

double Transformer::forward_flops(int64_t source_length, int64_t target_length) const {
  const auto d = static_cast<double>(config_.model_size);
  const auto source = static_cast<double>(source_length);
  const auto target = static_cast<double>(target_length);
  const double projection = 2.0 * d * d;  // one of q, k, v, o, per position
  const double feed_forward = 2.0 * 2.0 * d * static_cast<double>(config_.feed_forward_size);
  // Scores and weighted values of every head: a full square, also under the causal mask.
  auto attention = [&](double queries, double keys) { return 2.0 * 2.0 * queries * keys * d; };
  const double encoder_layer =
      source * (4.0 * projection + feed_forward) + attention(source, source);
  // Self-attention; cross-attention's q and o per target position, its k and v per source one.
  const double decoder_layer = target * (6.0 * projection + feed_forward) +
                               source * 2.0 * projection + attention(target, target) +
                               attention(target, source);
  return static_cast<double>(config_.encoder_layers) * encoder_layer +
         static_cast<double>(config_.decoder_layers) * decoder_layer +
         target * output_.forward_flops_per_row();
}

}  // namespace recur
