#include "nn/rnn_stack.h"

#include <cmath>
#include <string>
#include <vector>

#include "autograd/ops/elementwise.h"
#include "autograd/ops/shape.h"
#include "config/visitor.h"

namespace recur {

RnnState RnnState::detached() const {
  RnnState out;
  for (const Var& v : h)
    out.h.push_back(v.detach());
  for (const Var& v : c)
    out.c.push_back(v.detach());
  return out;
}

namespace {
constexpr CellType kCells[] = {CellType::Lstm, CellType::Gru, CellType::Rnn, CellType::RnnRelu};
}  // namespace

const char* cell_name(CellType cell) {
  switch (cell) {
    case CellType::Lstm:
      return "lstm";
    case CellType::Gru:
      return "gru";
    case CellType::Rnn:
      return "rnn";
    case CellType::RnnRelu:
      return "rnn_relu";
  }
  return "?";
}

void describe_cell(ConfigVisitor& v, CellType& cell) {
  std::vector<std::string> names;
  size_t index = 0;
  for (CellType c : kCells) {
    if (c == cell) index = names.size();
    names.emplace_back(cell_name(c));
  }
  v.choice_index(
      "cell", index, names,
      "recurrent cell: lstm, gru, or the vanilla RNN with tanh (rnn) or relu (rnn_relu)");
  cell = kCells[index];
}

int64_t RnnStackSpec::gates() const {
  switch (cell) {
    case CellType::Lstm:
      return 4;
    case CellType::Gru:
      return 3;
    case CellType::Rnn:
    case CellType::RnnRelu:
      return 1;
  }
  return 0;
}

double RnnStackSpec::forward_flops_per_step() const {
  double flops = 0;
  for (int64_t layer = 0; layer < layers; ++layer) {
    const int64_t projected = layer_input_size(layer) + hidden_size;  // [x, h_prev] -> gates
    flops += static_cast<double>(directions() * 2 * gates() * hidden_size * projected);
  }
  return flops;
}

RnnStack::RnnStack(ParameterStore& store, const std::string& path, const RnnStackSpec& spec)
    : path_(path), spec_(spec) {
  RECUR_ASSERT(spec.layers >= 1 && spec.hidden_size >= 1 && spec.input_size >= 1,
               "RnnStack: bad sizes");
  const int64_t gates = spec.gates();
  const int64_t H = spec.hidden_size;
  // PyTorch's default: every weight and bias Uniform(-1/sqrt(H), 1/sqrt(H)).
  const Init init = Init::uniform(1.0 / std::sqrt(static_cast<double>(H)));
  for (int64_t layer = 0; layer < spec.layers; ++layer) {
    const int64_t in = spec.layer_input_size(layer);
    for (int64_t dir = 0; dir < spec.directions(); ++dir) {
      std::string prefix = path + "/layer" + std::to_string(layer) + (dir == 0 ? "/fwd" : "/bwd");
      parameters_.push_back(store.declare(prefix + "/w_ih", {gates * H, in}, init));
      parameters_.push_back(store.declare(prefix + "/w_hh", {gates * H, H}, init));
      parameters_.push_back(store.declare(prefix + "/b_ih", {gates * H}, init));
      parameters_.push_back(store.declare(prefix + "/b_hh", {gates * H}, init));
      if (!spec.learned_init) continue;
      // Zeros at first: an untrained stack starts as one without learned states does.
      initial_h_.push_back(store.declare(prefix + "/h0", {H}, Init::zeros()));
      if (spec.cell == CellType::Lstm)
        initial_c_.push_back(store.declare(prefix + "/c0", {H}, Init::zeros()));
    }
  }
}

RnnState RnnStack::zero_state(int64_t batch, DType dtype) const {
  RnnState s;
  const Device device = parameters_.front()->var().device();
  const int64_t n = spec_.layers * spec_.directions();
  for (int64_t i = 0; i < n; ++i) {
    s.h.emplace_back(Tensor::zeros({batch, spec_.hidden_size}, dtype, device));
    if (spec_.cell == CellType::Lstm)
      s.c.emplace_back(Tensor::zeros({batch, spec_.hidden_size}, dtype, device));
  }
  return s;
}

RnnState RnnStack::initial_state(Tape& tape, int64_t batch, DType dtype) const {
  RnnState s = zero_state(batch, dtype);
  if (!spec_.learned_init) return s;
  for (size_t k = 0; k < s.h.size(); ++k) {
    s.h[k] = add_bias(tape, s.h[k], initial_h_[k]->var());
    if (!s.c.empty()) s.c[k] = add_bias(tape, s.c[k], initial_c_[k]->var());
  }
  return s;
}

RnnLayerOptions RnnStack::layer_options(size_t k, bool reverse, const RnnSequenceInfo& on_device,
                                        const StateResets& resets) const {
  RnnLayerOptions options{reverse, on_device.keep, on_device.lengths, resets};
  if (resets.weight.defined()) {
    options.resets.h = initial_h_[k]->var();
    if (!initial_c_.empty()) options.resets.c = initial_c_[k]->var();
  }
  return options;
}

RnnOutputs RnnStack::state_h_layer(Tape& tape, const Var& x, const Var& h0, const RnnWeights& w,
                                   const RnnLayerOptions& options) const {
  switch (spec_.cell) {
    case CellType::Gru:
      return gru_layer(tape, x, h0, w, options);
    case CellType::Rnn:
      return rnn_layer(tape, x, h0, w, options, Activation::Tanh);
    case CellType::RnnRelu:
      return rnn_layer(tape, x, h0, w, options, Activation::Relu);
    case CellType::Lstm:
      break;
  }
  RECUR_ASSERT(false, "RnnStack ", path_, ": the LSTM's state has a cell");
  return {};
}

RnnStack::Output RnnStack::forward(const ForwardContext& ctx, const Var& x, const RnnState& initial,
                                   const RnnSequenceInfo& sequence) const {
  RECUR_ASSERT(!(spec_.bidirectional && sequence.keep.defined()),
               "state resets (keep masks) need a unidirectional stack");
  RECUR_ASSERT(x.shape().rank() == 3 && x.shape()[2] == spec_.input_size, "RnnStack ", path_,
               ": input ", x.shape().str());
  const RnnState start =
      initial.empty() ? initial_state(ctx.tape, x.shape()[1], x.dtype()) : initial;
  // Moved to the input's device once here rather than by every layer. The lengths stay where they
  // are: each layer needs them on the host too (their minimum).
  const RnnSequenceInfo on_device{sequence.keep.defined() ? sequence.keep.on(x.device()) : Tensor(),
                                  sequence.lengths};
  const StateResets resets = spec_.learned_init && sequence.keep.defined()
                                 ? StateResets::from_keep(sequence.keep, x.device())
                                 : StateResets{};
  Output out;
  Var input = x;
  for (int64_t layer = 0; layer < spec_.layers; ++layer) {
    if (layer > 0) {
      input =
          dropout(ctx.tape, input,
                  ctx.dropout(spec_.dropout, path_ + "/layer" + std::to_string(layer) + "/input"));
    }
    std::vector<Var> directions;
    for (int64_t dir = 0; dir < spec_.directions(); ++dir) {
      const size_t k = static_cast<size_t>(layer * spec_.directions() + dir);
      const Parameter* const* p = &parameters_[4 * k];
      RnnWeights w{p[0]->var(), p[1]->var(), p[2]->var(), p[3]->var()};
      const RnnLayerOptions options = layer_options(k, dir == 1, on_device, resets);
      if (spec_.cell == CellType::Lstm) {
        LstmOutputs o = lstm_layer(ctx.tape, input, start.h[k], start.c[k], w, options);
        directions.push_back(o.y);
        out.state.h.push_back(o.h);
        out.state.c.push_back(o.c);
      } else {
        RnnOutputs o = state_h_layer(ctx.tape, input, start.h[k], w, options);
        directions.push_back(o.y);
        out.state.h.push_back(o.h);
      }
    }
    Var y = directions.size() == 1 ? directions[0] : concat(ctx.tape, directions, -1);
    if (spec_.residual && layer > 0) y = add(ctx.tape, y, input);
    input = y;
  }
  out.y = input;
  return out;
}

}  // namespace recur
