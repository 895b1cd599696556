// Stacked recurrent layers: LSTM, GRU or vanilla RNN, unidirectional or bidirectional (directions
// concatenated), dropout between layers, optional residual connections from the second layer up.
#pragma once

#include <string>
#include <vector>

#include "autograd/ops/rnn.h"
#include "nn/context.h"
#include "nn/parameters.h"

namespace recur {

enum class CellType { Lstm, Gru, Rnn, RnnRelu };

class ConfigVisitor;
// The config key `cell`: lstm, gru, rnn (tanh) or rnn_relu.
void describe_cell(ConfigVisitor& v, CellType& cell);
// The cell's name in configs.
const char* cell_name(CellType cell);

struct RnnStackSpec {
  CellType cell = CellType::Lstm;
  int64_t input_size = 0;
  int64_t hidden_size = 0;
  int64_t layers = 1;
  bool bidirectional = false;
  double dropout = 0.0;   // on the input of every layer but the first
  bool residual = false;  // layer l >= 1 adds its input to its output
  // Every (layer, direction) starts, and restarts where a keep mask is 0, from learned states h0
  // (and c0) instead of zeros.
  bool learned_init = false;

  int64_t directions() const { return bidirectional ? 2 : 1; }
  int64_t output_size() const { return hidden_size * directions(); }
  int64_t gates() const;
  int64_t layer_input_size(int64_t layer) const { return layer == 0 ? input_size : output_size(); }
  // Matrix-product FLOPs of the forward pass per time step and sequence: every layer and
  // direction projects its input and its previous state into the gates.
  double forward_flops_per_step() const;
};

// State of a stack, one entry per (layer, direction) at index layer * directions + direction,
// each (B, H). c is empty for GRUs.
struct RnnState {
  std::vector<Var> h, c;
  bool empty() const { return h.empty(); }
  // The same values cut from the graph (carried into the next truncated-BPTT window).
  RnnState detached() const;
};

// Per-sequence information shared by all layers (see RnnLayerOptions).
struct RnnSequenceInfo {
  Tensor keep;     // (T, B) state resets; unidirectional stacks only
  Tensor lengths;  // (B) i32 padding lengths
};

class RnnStack {
 public:
  RnnStack(ParameterStore& store, const std::string& path, const RnnStackSpec& spec);

  struct Output {
    Var y;           // (T, B, output_size)
    RnnState state;  // final state
  };
  // x (T, B, input_size). An empty `initial` state means the stack's initial state: zeros, or the
  // learned one (with its gradient). With learned initial states, sequence.keep must be on the
  // host.
  Output forward(const ForwardContext& ctx, const Var& x, const RnnState& initial,
                 const RnnSequenceInfo& sequence = {}) const;

  // Zeros on the device of the stack's parameters.
  RnnState zero_state(int64_t batch, DType dtype) const;
  // The state a sequence starts from: zeros, or the learned states broadcast over the batch.
  RnnState initial_state(Tape& tape, int64_t batch, DType dtype) const;
  const RnnStackSpec& spec() const { return spec_; }

 private:
  // The options of (layer, direction) k; `resets` without its learned states.
  RnnLayerOptions layer_options(size_t k, bool reverse, const RnnSequenceInfo& on_device,
                                const StateResets& resets) const;
  // One layer of a cell whose state is h alone (GRU, vanilla RNN).
  RnnOutputs state_h_layer(Tape& tape, const Var& x, const Var& h0, const RnnWeights& w,
                           const RnnLayerOptions& options) const;

  std::string path_;
  RnnStackSpec spec_;
  // w_ih, w_hh, b_ih, b_hh of each (layer, direction), in state order.
  std::vector<Parameter*> parameters_;
  // With learned_init: h0 (and the LSTM's c0) of each (layer, direction), in state order.
  std::vector<Parameter*> initial_h_, initial_c_;
};

}  // namespace recur
