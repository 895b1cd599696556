#include "transformer/transformer_lm.h"

#include "autograd/ops.h"
#include "core/error.h"

namespace recur {

TransformerLm::TransformerLm(const TransformerConfig& config, int64_t vocab_size, int64_t context,
                             ParameterStore& store)
    : config_(config),
      context_(context),
      embedding_(store, "embedding", vocab_size, config.model_size, embedding_std(config)),
      output_(output_layer(store, config, vocab_size, embedding_)) {
  if (config.positions == PositionType::Learned) {
    positions_ =
        store.declare("positions", {config.max_positions, config.model_size}, Init::normal(0.02));
  }
  for (size_t l = 0; l < static_cast<size_t>(config.layers); ++l)
    layers_.emplace_back(store, concat("layer", l), config);
  if (config.pre_norm) norm_.emplace(store, "norm", config.model_size);
}

LanguageModel::Output TransformerLm::forward(const ForwardContext& ctx, const Tensor& ids,
                                             const RnnState&, const Tensor&) const {
  const int64_t T = ids.dim(0), B = ids.dim(1);
  RECUR_CHECK(T <= context_, "a window of ", T, " tokens is longer than the model's context (",
              context_, " tokens, its training.bptt)");
  Tape& tape = ctx.tape;
  Var x = embed_tokens(ctx, config_, embedding_, positions_, ids, 0, "embedding");  // (B, T, D)
  const Tensor visible = all_visible(B, T);
  for (const SelfAttentionLayer& layer : layers_)
    x = layer.forward(ctx, config_, x, visible, true);
  if (norm_) x = norm_->forward(tape, x);
  const Var logits = output_.forward(tape, swap_leading(tape, x));  // (T, B, V)
  return {reshape(tape, logits, {T * B, logits.shape()[2]}), {}};
}

}  // namespace recur
