#include "lstm_lm/lstm_lm.h"

#include "autograd/ops/dropout.h"
#include "autograd/ops/shape.h"

namespace recur {

namespace {

RnnStackSpec rnn_spec(const LstmLmConfig& c) {
  return {c.cell, c.embedding_size, c.hidden_size, c.layers,
          false,  c.dropout,        c.residual,    c.learned_init};
}

}  // namespace

LstmLm::LstmLm(const LstmLmConfig& config, int64_t vocab_size, ParameterStore& store)
    : config_(config),
      embedding_(store, "embedding", vocab_size, config.embedding_size),
      rnn_(store, "rnn", rnn_spec(config)),
      output_(config.tie_embeddings ? Linear(store, "output", embedding_.weight())
                                    : Linear(store, "output", config.hidden_size, vocab_size)) {
  if (config.freeze_embeddings) store.freeze(embedding_.weight()->path());
}

LstmLm::Output LstmLm::forward(const ForwardContext& ctx, const Tensor& ids, const RnnState& state,
                               const Tensor& keep) const {
  const int64_t steps = ids.dim(0), batch = ids.dim(1);
  Var x = embedding_.forward(ctx.tape, ids);  // (T, B, E)
  x = dropout(ctx.tape, x, ctx.dropout(config_.embedding_dropout, "embedding"));
  RnnStack::Output rnn = rnn_.forward(ctx, x, state, {keep, Tensor()});  // (T, B, H)
  Var y = dropout(ctx.tape, rnn.y, ctx.dropout(config_.output_dropout, "output"));
  y = reshape(ctx.tape, y, {steps * batch, config_.hidden_size});  // (T*B, H)
  return {output_.forward(ctx.tape, y), rnn.state};                // (T*B, V)
}

double LstmLm::forward_flops_per_token() const {
  return rnn_.spec().forward_flops_per_step() + output_.forward_flops_per_row();
}

}  // namespace recur
