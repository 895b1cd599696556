#include "seq2seq/seq2seq.h"

#include <cmath>

#include "autograd/ops.h"

namespace recur {

namespace {

bool additive(AttentionType a) {
  return a == AttentionType::Bahdanau || a == AttentionType::LuongConcat;
}

int64_t decoder_input_size(const Seq2SeqConfig& c) {
  if (c.attention == AttentionType::Bahdanau) return c.embedding_size + c.encoder_output_size();
  return c.embedding_size + (c.input_feeding ? c.decoder_hidden : 0);
}

RnnStackSpec encoder_spec(const Seq2SeqConfig& c) {
  return {c.cell,          c.embedding_size, c.encoder_hidden, c.encoder_layers,
          c.bidirectional, c.dropout,        c.residual,       c.learned_init};
}

RnnStackSpec decoder_spec(const Seq2SeqConfig& c) {
  return {c.cell,    decoder_input_size(c), c.decoder_hidden, c.decoder_layers, false, c.dropout,
          c.residual};
}

Linear make_output(const Seq2SeqConfig& c, int64_t target_vocab, ParameterStore& store,
                   Embedding& target) {
  if (c.tie_embeddings) return Linear(store, "output", target.weight());
  return Linear(store, "output", c.decoder_hidden, target_vocab);
}

// Decoding with the recurrent decoder: its state is the RNN state and the input-feeding vector.
class Seq2SeqDecoder final : public IncrementalDecoder {
 public:
  Seq2SeqDecoder(const Seq2Seq& model, const ForwardContext& ctx, Seq2Seq::Memory memory)
      : model_(model), ctx_(ctx), memory_(std::move(memory)), state_(model.start(memory_)) {}

  DecoderStep step(const Tensor& tokens, int64_t position) override {
    return model_.step(ctx_, memory_, tokens, state_, position);
  }

  void reorder(const std::vector<int64_t>& rows) override {
    for (Var& h : state_.rnn.h)
      h = select_rows(h, rows);
    for (Var& c : state_.rnn.c)
      c = select_rows(c, rows);
    state_.feed = select_rows(state_.feed, rows);
  }

 private:
  const Seq2Seq& model_;
  ForwardContext ctx_;
  Seq2Seq::Memory memory_;
  Seq2Seq::DecoderState state_;
};

}  // namespace

Seq2Seq::Seq2Seq(const Seq2SeqConfig& config, int64_t source_vocab, int64_t target_vocab,
                 ParameterStore& store)
    : config_(config),
      decoder_input_(decoder_input_size(config)),
      source_embedding_(store, "source_embedding", source_vocab, config.embedding_size),
      target_embedding_(store, "target_embedding", target_vocab, config.embedding_size),
      encoder_(store, "encoder", encoder_spec(config)),
      decoder_(store, "decoder", decoder_spec(config)),
      output_(make_output(config, target_vocab, store, target_embedding_)) {
  const int64_t enc = config.encoder_output_size(), dec = config.decoder_hidden;
  if (config.bridge == BridgeType::Dense) {
    for (int64_t l = 0; l < config.decoder_layers; ++l) {
      bridge_h_.emplace_back(store, concat("bridge/h/layer", l), enc, dec);
      if (config.cell == CellType::Lstm)
        bridge_c_.emplace_back(store, concat("bridge/c/layer", l), enc, dec);
    }
  }
  switch (config.attention) {
    case AttentionType::None:
    case AttentionType::LuongDot:
      break;
    case AttentionType::LuongGeneral:
    case AttentionType::LuongLocalM:
      keys_.emplace(store, "attention/w_a", enc, dec, false);
      break;
    case AttentionType::LuongLocalP:
      keys_.emplace(store, "attention/w_a", enc, dec, false);
      predict_hidden_.emplace(store, "attention/w_p", dec, dec, false);
      predict_position_.emplace(store, "attention/v_p", dec, 1, false);
      break;
    case AttentionType::Bahdanau:
    case AttentionType::LuongConcat:
      keys_.emplace(store, "attention/w_k", enc, dec, false);
      query_.emplace(store, "attention/w_q", dec, dec, false);
      v_ = store.declare("attention/v", {dec},
                         Init::uniform(1.0 / std::sqrt(static_cast<double>(dec))));
      break;
  }
  if (config.attention != AttentionType::None)
    combine_.emplace(store, "attention/w_c", enc + dec, dec, false);
  if (config.freeze_embeddings) {
    store.freeze(source_embedding_.weight()->path());
    store.freeze(target_embedding_.weight()->path());
  }
}

Seq2Seq::Memory Seq2Seq::encode(const ForwardContext& ctx, const Tensor& source,
                                const Tensor& lengths) const {
  Tape& tape = ctx.tape;
  Var x = source_embedding_.forward(tape, source);  // (S, B, E)
  x = dropout(tape, x, ctx.dropout(config_.dropout, "source_embedding"));
  RnnStack::Output enc = encoder_.forward(ctx, x, {}, {Tensor(), lengths});  // (S, B, enc)
  Memory m;
  m.values = swap_leading(tape, enc.y);                        // (B, S, enc)
  m.keys = keys_ ? keys_->forward(tape, m.values) : m.values;  // (B, S, D)
  m.lengths = lengths.on(m.values.device());  // read by every decoder step's attention
  if (config_.attention == AttentionType::LuongLocalP) {
    const std::vector<int32_t> host = lengths.on(Device::cpu()).to_vector<int32_t>();
    m.sizes = Tensor::from_vector(std::vector<double>(host.begin(), host.end()), {std::ssize(host)})
                  .to(m.values.dtype())
                  .on(m.values.device());
  }
  if (config_.bridge == BridgeType::Zeros) return m;
  // Decoder layer l starts from encoder layer min(l, top): its final states, directions joined.
  const int64_t directions = config_.bidirectional ? 2 : 1;
  auto final_of = [&](const std::vector<Var>& states, int64_t l) {
    const int64_t layer = std::min(l, config_.encoder_layers - 1);
    std::vector<Var> parts;
    for (int64_t d = 0; d < directions; ++d)
      parts.push_back(states[static_cast<size_t>(layer * directions + d)]);
    return parts.size() == 1 ? parts[0] : concat(tape, parts, -1);  // (B, enc)
  };
  for (int64_t l = 0; l < config_.decoder_layers; ++l) {
    m.initial.h.push_back(
        tanh(tape, bridge_h_[static_cast<size_t>(l)].forward(tape, final_of(enc.state.h, l))));
    if (config_.cell == CellType::Lstm) {
      m.initial.c.push_back(
          tanh(tape, bridge_c_[static_cast<size_t>(l)].forward(tape, final_of(enc.state.c, l))));
    }
  }
  return m;
}

Seq2Seq::DecoderState Seq2Seq::start(const Memory& memory) const {
  const int64_t batch = memory.lengths.numel();
  const DType dtype = memory.values.dtype();
  DecoderState s;
  s.rnn = memory.initial.empty() ? decoder_.zero_state(batch, dtype) : memory.initial;
  if (config_.input_feeding) {
    s.feed = Var(Tensor::zeros({batch, config_.decoder_hidden}, dtype, memory.values.device()));
  }
  return s;
}

std::unique_ptr<IncrementalDecoder> Seq2Seq::start_decoding(
    const ForwardContext& ctx, const Tensor& source, const Tensor& lengths,
    const std::vector<int64_t>& rows) const {
  Memory memory = encode(ctx, source, lengths);
  const bool shared_keys = memory.keys.same_as(memory.values);  // Luong dot
  memory.values = select_rows(memory.values, rows);
  memory.keys = shared_keys ? memory.values : select_rows(memory.keys, rows);
  memory.lengths = select_rows(memory.lengths, rows);
  if (memory.sizes.defined()) memory.sizes = select_rows(memory.sizes, rows);
  for (Var& h : memory.initial.h)
    h = select_rows(h, rows);
  for (Var& c : memory.initial.c)
    c = select_rows(c, rows);
  return std::make_unique<Seq2SeqDecoder>(*this, ctx, std::move(memory));
}

Seq2Seq::Step Seq2Seq::step(const ForwardContext& outer, const Memory& memory, const Tensor& tokens,
                            DecoderState& state, int64_t position) const {
  ForwardContext ctx = outer;
  ctx.time_offset = position;  // dropout differs from one target position to the next
  Tape& tape = ctx.tape;
  const int64_t batch = tokens.numel();
  const auto score = additive(config_.attention) ? AttentionScore::Additive : AttentionScore::Dot;
  const Var v = v_ ? v_->var() : Var();
  auto attend = [&](const Var& query) {
    const Var q = query_ ? query_->forward(tape, query) : query;
    return attention_step(tape, q, memory.keys, memory.values, memory.lengths, score, v,
                          local_window(tape, memory, query, position));
  };
  Var input = target_embedding_.forward(tape, tokens);  // (B, E)
  input = dropout(tape, input, ctx.dropout(config_.dropout, "target_embedding"));
  AttentionOutputs attention;
  if (config_.attention == AttentionType::Bahdanau) {
    attention = attend(state.rnn.h.back());  // from the previous top state
    input = concat(tape, {input, attention.context}, -1);
  } else if (config_.input_feeding) {
    input = concat(tape, {input, state.feed}, -1);
  }
  RnnStack::Output rnn =
      decoder_.forward(ctx, reshape(tape, input, {1, batch, decoder_input_}), state.rnn);
  state.rnn = rnn.state;
  Var top = reshape(tape, rnn.y, {batch, config_.decoder_hidden});  // (B, H)
  if (config_.attention == AttentionType::None) return {top, Tensor()};
  if (config_.attention != AttentionType::Bahdanau) attention = attend(top);
  Var attentional = tanh(tape, combine_->forward(tape, concat(tape, {attention.context, top}, -1)));
  if (config_.input_feeding) state.feed = attentional;
  return {attentional, attention.weights};
}

LocalWindow Seq2Seq::local_window(Tape& tape, const Memory& memory, const Var& top,
                                  int64_t position) const {
  const int64_t batch = memory.lengths.numel();
  switch (config_.attention) {
    case AttentionType::LuongLocalM:
      return {Var(Tensor::full({batch}, top.dtype(), static_cast<double>(position), top.device())),
              config_.local_window};
    case AttentionType::LuongLocalP: {
      // p_t = S sigmoid(v_p^T tanh(W_p h_t)), S each sentence's own length (not the padded one).
      const Var hidden = tanh(tape, predict_hidden_->forward(tape, top));                  // (B, H)
      const Var logit = reshape(tape, predict_position_->forward(tape, hidden), {batch});  // (B)
      return {mul(tape, sigmoid(tape, logit), Var(memory.sizes)), config_.local_window};
    }
    default:
      return {};
  }
}

Var Seq2Seq::logits(const ForwardContext& ctx, const Var& outputs) const {
  // Dropout sees (T, B, H) or (B, H): its masks are keyed by position and global row.
  const Var dropped = dropout(ctx.tape, outputs, ctx.dropout(config_.dropout, "output"));
  return output_.forward(ctx.tape, dropped);
}

Var Seq2Seq::forward(const ForwardContext& ctx, const Seq2SeqBatch& batch) const {
  const Memory memory = encode(ctx, batch.source, batch.source_lengths);
  DecoderState state = start(memory);
  const int64_t steps = batch.target_in.dim(0), rows = batch.target_in.dim(1);
  std::vector<Var> outputs;
  for (int64_t t = 0; t < steps; ++t) {
    outputs.push_back(
        step(ctx, memory, batch.target_in.slice_rows(t, t + 1).reshape({rows}), state, t).output);
  }
  const Var all =
      reshape(ctx.tape, concat(ctx.tape, outputs, 0), {steps, rows, config_.decoder_hidden});
  return reshape(ctx.tape, logits(ctx, all),
                 {steps * rows, output_.weight()->shape()[0]});  // (T * B, V)
}

double Seq2Seq::forward_flops(int64_t source_length, int64_t target_length) const {
  auto flops_of = [](const std::optional<Linear>& layer) {
    return layer ? layer->forward_flops_per_row() : 0.0;
  };
  const auto source = static_cast<double>(source_length);
  const double per_source = encoder_.spec().forward_flops_per_step() + flops_of(keys_);
  double per_target = decoder_.spec().forward_flops_per_step() + output_.forward_flops_per_row();
  if (config_.attention != AttentionType::None) {
    const auto value_size = static_cast<double>(config_.encoder_output_size());
    const double key_size = keys_ ? static_cast<double>(config_.decoder_hidden) : value_size;
    // The query projection, scores and context over every source position (as counted for local
    // attention too: an upper bound there), W_c, and local-p's position network.
    per_target += flops_of(query_) + 2.0 * source * (key_size + value_size) + flops_of(combine_) +
                  flops_of(predict_hidden_) + flops_of(predict_position_);
  }
  double bridge = 0;  // once per sentence
  for (const Linear& layer : bridge_h_)
    bridge += layer.forward_flops_per_row();
  for (const Linear& layer : bridge_c_)
    bridge += layer.forward_flops_per_row();
  return source * per_source + static_cast<double>(target_length) * per_target + bridge;
}

}  // namespace recur
