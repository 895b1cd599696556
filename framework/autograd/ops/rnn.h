// Fused recurrent layer ops: one op runs a whole LSTM, GRU or vanilla RNN layer (one direction)
// over T steps, with a hand-written backward. The input projection of all steps is one GEMM, the
// recurrent projection one GEMM per step, and the gate nonlinearities one fused pass per step.
#pragma once

#include <vector>

#include "autograd/tape.h"
#include "kernels/kernel_types.h"

namespace recur {

// PyTorch's layout: w_ih (G*H, I), w_hh (G*H, H), b_ih and b_hh (G*H), with G = 4 gates i, f, g, o
// for the LSTM, G = 3 gates r, z, n for the GRU and G = 1 for the vanilla RNN.
struct RnnWeights {
  Var w_ih, w_hh, b_ih, b_hh;
};

// Where the rows that a keep mask restarts start from: learned (H) vectors (model.learned_init)
// instead of zeros. The state entering step t becomes keep[t] * carried + weight[t] * h.
struct StateResets {
  Var h, c;       // (H), the dtype of x; c for the LSTM only
  Tensor weight;  // (T, B) on x's device: 1 - keep
  // (T) on the host: whether any row restarts at step t, so that the steps without a restart
  // cost nothing and the device is never read to find them.
  std::vector<bool> at;
  bool defined() const { return h.defined(); }
  // weight and at from the keep mask (T, B) on the host (weight goes to `device`); h and c are
  // left for the caller to set.
  static StateResets from_keep(const Tensor& keep, Device device);
};

struct RnnLayerOptions {
  bool reverse = false;  // run from step T-1 down to 0
  // (T, B), the dtype of x, 0 or 1: the carried state is multiplied by keep[t] before step t. A 0
  // starts a new sequence (a document boundary in truncated BPTT). Optional.
  Tensor keep;
  // (B) i32: steps t >= lengths[b] are padding: the state passes through them unchanged and the
  // output there is 0. With reverse, row b therefore starts at step lengths[b] - 1. Optional.
  Tensor lengths;
  // With keep: the learned states a restart goes to. Optional (a restart zeroes the state).
  StateResets resets;
};

struct LstmOutputs {
  Var y;  // (T, B, H) hidden states
  Var h;  // (B, H) final hidden state
  Var c;  // (B, H) final cell state
};

// x (T, B, I), h0 and c0 (B, H).
LstmOutputs lstm_layer(Tape& tape, const Var& x, const Var& h0, const Var& c0,
                       const RnnWeights& weights, const RnnLayerOptions& options);

// The outputs of the cells whose state is h alone (GRU, vanilla RNN).
struct RnnOutputs {
  Var y;  // (T, B, H)
  Var h;  // (B, H)
};

// x (T, B, I), h0 (B, H).
RnnOutputs gru_layer(Tape& tape, const Var& x, const Var& h0, const RnnWeights& weights,
                     const RnnLayerOptions& options);

// The vanilla (Elman) RNN of torch.nn.RNN: h_t = f(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh) with
// f = tanh or relu. x (T, B, I), h0 (B, H).
RnnOutputs rnn_layer(Tape& tape, const Var& x, const Var& h0, const RnnWeights& weights,
                     const RnnLayerOptions& options, Activation f);

}  // namespace recur
