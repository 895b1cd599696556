#include "dmn/dmn.h"

#include <cmath>

#include "autograd/ops/attention.h"
#include "autograd/ops/dropout.h"
#include "autograd/ops/elementwise.h"
#include "autograd/ops/embedding.h"
#include "autograd/ops/shape.h"

namespace recur {

namespace {

RnnStackSpec gru(int64_t input, int64_t hidden, bool bidirectional) {
  RnnStackSpec spec;
  spec.cell = CellType::Gru;
  spec.input_size = input;
  spec.hidden_size = hidden;
  spec.bidirectional = bidirectional;
  return spec;
}

// |x|, as relu(x) + relu(-x).
Var absolute(Tape& tape, const Var& x) {
  return add(tape, relu(tape, x), relu(tape, scale(tape, x, -1.0)));
}

}  // namespace

Dmn::Dmn(const DmnConfig& config, int64_t vocab_size, ParameterStore& store)
    : config_(config),
      embedding_(store, "embedding", vocab_size, config.embedding_size),
      words_(store, "input/words", gru(config.embedding_size, config.hidden_size, false)),
      fusion_(store, "input/fusion", gru(config.hidden_size, config.hidden_size / 2, true)),
      question_(store, "question", gru(config.embedding_size, config.hidden_size, false)),
      gate_hidden_(store, "memory/gate_hidden", 4 * config.hidden_size, config.hidden_size),
      gate_score_(
          store.declare("memory/gate_score", {config.hidden_size},
                        Init::uniform(1.0 / std::sqrt(static_cast<double>(config.hidden_size))))),
      answer_(store, "answer", 2 * config.hidden_size, vocab_size) {
  for (int64_t t = 0; t < config.passes; ++t) {
    updates_.emplace_back(store, concat("memory/update", t), 3 * config.hidden_size,
                          config.hidden_size);
  }
}

Var Dmn::read_facts(const ForwardContext& ctx, const QaBatch& batch) const {
  const int64_t stories = batch.stories, facts = batch.max_facts, hidden = config_.hidden_size;
  const Var words = embedding_.forward(ctx.tape, batch.fact_words);  // (L, B*F, E)
  const Var ends = words_.forward(ctx, words, {}, {Tensor(), batch.fact_lengths}).state.h[0];
  Var sequence = reshape(ctx.tape, ends, {stories, facts, hidden});  // (B, F, H)
  sequence = swap_leading(ctx.tape, sequence);                       // (F, B, H)
  // Dropout on (F, B, H) masks by (story, fact): the same whatever the batch's padding.
  sequence = dropout(ctx.tape, sequence, ctx.dropout(config_.dropout, "fact vectors"));
  Var fused = fusion_.forward(ctx, sequence, {}, {Tensor(), batch.facts}).y;  // (F, B, H)
  fused = dropout(ctx.tape, fused, ctx.dropout(config_.dropout, "facts"));
  return swap_leading(ctx.tape, fused);  // (B, F, H)
}

Var Dmn::read_question(const ForwardContext& ctx, const QaBatch& batch) const {
  Var words = embedding_.forward(ctx.tape, batch.question);  // (Q, B, E)
  words = dropout(ctx.tape, words, ctx.dropout(config_.dropout, "question words"));
  return question_.forward(ctx, words, {}, {Tensor(), batch.question_lengths}).state.h[0];
}

Dmn::Episode Dmn::episode(Tape& tape, const Var& facts, const Var& question, const Var& memory,
                          const QaBatch& batch) const {
  // q and m repeated for every fact of their story: (B, F, H)
  const Var q = embedding(tape, question, batch.story_of_fact);
  const Var m = embedding(tape, memory, batch.story_of_fact);
  const Var z = concat(tape,
                       {mul(tape, facts, q), mul(tape, facts, m),
                        absolute(tape, add(tape, facts, scale(tape, q, -1.0))),
                        absolute(tape, add(tape, facts, scale(tape, m, -1.0)))},
                       2);                         // (B, F, 4H)
  const Var keys = gate_hidden_.forward(tape, z);  // (B, F, H)
  // Additive attention with a zero query scores w^T tanh(W z + b): the DMN+ gate.
  const Var none(
      Tensor::zeros({batch.stories, config_.hidden_size}, facts.dtype(), facts.device()));
  AttentionOutputs a = attention_step(tape, none, keys, facts, batch.facts,
                                      AttentionScore::Additive, gate_score_->var());
  return {a.context, a.weights};
}

Var Dmn::update_memory(Tape& tape, int64_t pass, const Var& memory, const Var& context,
                       const Var& question) const {
  const Var input = concat(tape, {memory, context, question}, 1);  // (B, 3H)
  return relu(tape, updates_[static_cast<size_t>(pass)].forward(tape, input));
}

Dmn::Output Dmn::forward(const ForwardContext& ctx, const QaBatch& batch) const {
  const Var q = read_question(ctx, batch);
  Var memory = q;
  Output out;
  // passes 0: the question-only baseline, which never reads the facts.
  const Var facts = config_.passes > 0 ? read_facts(ctx, batch) : Var();
  for (int64_t t = 0; t < config_.passes; ++t) {
    Episode e = episode(ctx.tape, facts, q, memory, batch);
    memory = update_memory(ctx.tape, t, memory, e.context, q);
    out.attention.push_back(e.gates);
  }
  out.logits = answer_.forward(ctx.tape, concat(ctx.tape, {memory, q}, 1));  // (B, V)
  return out;
}

}  // namespace recur
