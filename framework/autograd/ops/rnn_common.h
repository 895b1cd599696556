// Pieces shared by the recurrent layer ops (implementation detail of ops/lstm.cpp, ops/gru.cpp,
// ops/vanilla_rnn.cpp).
#pragma once

#include "autograd/ops/common.h"
#include "autograd/ops/rnn.h"

namespace recur::ops_detail {

// Shapes of one layer call, checked against each other.
struct RnnDims {
  int64_t steps = 0, batch = 0, input = 0, hidden = 0;
};

RnnDims check_rnn_inputs(const char* op, int gates, const Var& x, const Var& h0,
                         const RnnWeights& w, const RnnLayerOptions& options);

// Which rows of step t are padding (t >= lengths[b]); none when there are no lengths.
class PaddingMask {
 public:
  PaddingMask(const Tensor& lengths, int64_t batch, Device device);
  bool any(int64_t t) const { return lengths_.defined() && t >= min_length_; }
  // The lengths on the layer's device when a row is padding at step t, else null (nothing to do).
  const int32_t* lengths_at(int64_t t) const {
    return any(t) ? lengths_.device_data<int32_t>() : nullptr;
  }

 private:
  Tensor lengths_;  // (batch) on the layer's device
  int32_t min_length_ = 0;
};

// Step t of the order a layer runs in.
inline int64_t step_at(int64_t s, int64_t steps, bool reverse) {
  return reverse ? steps - 1 - s : s;
}

// Where the state after step s (in run order) goes: the slot of the step after it in `saved`
// (T, B, H), or `final` (B, H) after the last step.
template <class T>
T* next_state(const RnnDims& d, const RnnLayerOptions& options, int64_t s, T* saved,
              Tensor& final) {
  if (s + 1 == d.steps) return final.device_data<T>();
  return saved + step_at(s + 1, d.steps, options.reverse) * d.batch * d.hidden;
}

// What step s (in run order) of a layer does besides its cell (RnnStepIo, kernels/kernel_types.h):
// its row of y, padding, and the hidden state entering the next step, written into its slot of
// h_prev (T, B, H) with the next keep factors, or into h_out after the last step. The LSTM adds
// next_c.
template <class T>
RnnStepIo<T> step_io(const RnnDims& d, const RnnLayerOptions& options, const PaddingMask& pad,
                     int64_t s, Tensor& y, T* h_prev, Tensor& h_out) {
  const int64_t t = step_at(s, d.steps, options.reverse), rows = d.batch * d.hidden;
  RnnStepIo<T> io;
  io.h_prev = h_prev + t * rows;
  io.lengths = pad.lengths_at(t);
  io.t = t;
  if (s + 1 < d.steps && options.keep.defined()) {
    io.keep_next =
        options.keep.device_data<T>() + step_at(s + 1, d.steps, options.reverse) * d.batch;
  }
  io.y = y.device_data<T>() + t * rows;
  io.next_h = next_state<T>(d, options, s, h_prev, h_out);
  return io;
}

// The state entering step t: state * keep[t] when there is a keep mask, else a copy.
template <class T>
void enter_step(Device dev, const RnnLayerOptions& options, int64_t t, int64_t batch,
                int64_t hidden, const T* state, T* out) {
  if (options.keep.defined()) {
    kernels::scale_rows<T>(dev, batch, hidden, state, options.keep.device_data<T>() + t * batch,
                           out);
  } else {
    kernels::copy<T>(dev, batch * hidden, state, out);
  }
}

// The gradients step t's backward kernel reads and writes (RnnStepGrads, kernels/kernel_types.h):
// dy's row of step t if y has a gradient, dh the gradient of the state entering the step after,
// which that step's keep factors `keep_after` scaled, and dh_prev for the part bypassing W_hh.
template <class T>
RnnStepGrads<T> step_grads(const RnnDims& d, const RnnLayerOptions& options, const PaddingMask& pad,
                           int64_t t, const Var& y, Tensor& dh, const T* keep_after,
                           Tensor& dh_prev) {
  RnnStepGrads<T> io;
  io.dy = y.has_grad() ? y.grad().device_data<T>() + t * d.batch * d.hidden : nullptr;
  io.dh = dh.device_data<T>();
  io.keep_after = keep_after;
  io.lengths = pad.lengths_at(t);
  io.t = t;
  io.keep = options.keep.defined() ? options.keep.device_data<T>() + t * d.batch : nullptr;
  io.dh_prev = dh_prev.device_data<T>();
  return io;
}

// Gradient of the state before step t: the keep mask's backward, in place.
template <class T>
void leave_step_backward(Device dev, const RnnLayerOptions& options, int64_t t, int64_t batch,
                         int64_t hidden, T* grad) {
  if (options.keep.defined()) {
    kernels::scale_rows<T>(dev, batch, hidden, grad, options.keep.device_data<T>() + t * batch,
                           grad);
  }
}

// The learned restarts (RnnLayerOptions::resets) of the states entering run-order step s (none
// past the last step, so that a layer may call it after each step): where
// rows restart, h (and c, when not null) (T, B, H) at t's slot += weight[t] (B) x init (H).
// Element-wise (not a rank-1 GEMM, which training.precision would round), at restarting steps
// only.
template <class T>
void restart_states(const RnnDims& d, const RnnLayerOptions& options, int64_t s, T* h, T* c) {
  const StateResets& r = options.resets;
  if (!r.defined() || s >= d.steps) return;
  const int64_t t = step_at(s, d.steps, options.reverse);
  if (!r.at[static_cast<size_t>(t)]) return;
  const Device dev = r.weight.device();
  const T* weight = r.weight.device_data<T>() + t * d.batch;
  const int64_t slot = t * d.batch * d.hidden;
  Tensor restart = Tensor::empty({d.batch, d.hidden}, r.weight.dtype(), dev);  // (B, H)
  T* rows = restart.device_data<T>();
  for (int k = 0; k < 2; ++k) {
    T* state = k == 0 ? h : c;
    if (state == nullptr) continue;
    const T* init = (k == 0 ? r.h : r.c).value().template device_data<T>();
    kernels::broadcast_rows<T>(dev, d.batch, d.hidden, init, rows);
    kernels::scale_rows<T>(dev, d.batch, d.hidden, rows, weight, rows);
    kernels::axpy<T>(dev, d.batch * d.hidden, T(1), rows, state + slot);
  }
}

// restart_states' backward at step t: the learned states' gradients += the column sums of
// weight[t] (B) x the gradients (B, H) of the states entering step t (dc: the LSTM's, or null).
template <class T>
void restart_states_backward(const RnnDims& d, const RnnLayerOptions& options, int64_t t,
                             const T* dh, const T* dc) {
  const StateResets& r = options.resets;
  if (!r.defined() || !r.at[static_cast<size_t>(t)]) return;
  const Device dev = r.weight.device();
  const T* weight = r.weight.device_data<T>() + t * d.batch;
  Tensor scaled = Tensor::empty({d.batch, d.hidden}, r.weight.dtype(), dev);  // (B, H)
  for (int k = 0; k < 2; ++k) {
    const T* grad = k == 0 ? dh : dc;
    Var learned = k == 0 ? r.h : r.c;  // its gradient buffer is written, not its value
    if (grad == nullptr || !learned.requires_grad()) continue;
    kernels::scale_rows<T>(dev, d.batch, d.hidden, grad, weight, scaled.device_data<T>());
    kernels::sum_rows_accumulate<T>(dev, d.batch, d.hidden, scaled.device_data<T>(),
                                    learned.grad_buffer().template device_data<T>());
  }
}

// The layer op's inputs as the tape records them: x, h0, (c0,) the weights, (the learned restart
// states).
std::vector<const Var*> layer_inputs(const Var& x, const Var& h0, const Var* c0,
                                     const RnnWeights& w, const RnnLayerOptions& options);

// dh, the gradient of the state entering the first step (in run order), through that step's keep
// mask into h0's gradient. dh is scaled in place.
template <class T>
void initial_state_backward(const RnnDims& d, const RnnLayerOptions& options, Tensor& dh, Var& h0) {
  if (!h0.requires_grad()) return;
  const Device dev = dh.device();
  leave_step_backward<T>(dev, options, step_at(0, d.steps, options.reverse), d.batch, d.hidden,
                         dh.device_data<T>());
  kernels::axpy<T>(dev, d.batch * d.hidden, T(1), dh.device_data<T>(),
                   h0.grad_buffer().device_data<T>());
}

// The input projection of every step at once, for the cells whose two biases are added before any
// nonlinearity (LSTM, vanilla RNN): gates = x W_ih^T + (b_ih + b_hh).   (T*B, G)
template <class T>
void project_inputs(const RnnDims& d, int64_t G, const Var& x, const RnnWeights& w, T* gates) {
  const Device dev = x.device();
  Tensor bias = Tensor::empty({G}, x.dtype(), dev);
  kernels::add<T>(dev, G, w.b_ih.value().device_data<T>(), w.b_hh.value().device_data<T>(),
                  bias.device_data<T>());
  kernels::broadcast_rows<T>(dev, d.steps * d.batch, G, bias.device_data<T>(), gates);
  kernels::gemm<T>(dev, false, true, d.steps * d.batch, G, d.input, T(1),
                   x.value().device_data<T>(), w.w_ih.value().device_data<T>(), T(1), gates);
}

// project_inputs' backward, with the recurrent weight's gradient, over all steps at once: dgates
// (T*B, G) the gradients of the pre-activations, h_prev (T*B, H) the states entering each step.
template <class T>
void project_inputs_backward(const RnnDims& d, int64_t G, Var& x, RnnWeights& w, const T* dgates,
                             const T* h_prev) {
  const Device dev = x.device();
  const int64_t rows = d.steps * d.batch;
  if (w.w_hh.requires_grad()) {
    kernels::gemm<T>(dev, true, false, G, d.hidden, rows, T(1), dgates, h_prev, T(1),
                     w.w_hh.grad_buffer().device_data<T>());
  }
  if (w.w_ih.requires_grad()) {
    kernels::gemm<T>(dev, true, false, G, d.input, rows, T(1), dgates, x.value().device_data<T>(),
                     T(1), w.w_ih.grad_buffer().device_data<T>());
  }
  if (x.requires_grad()) {
    kernels::gemm<T>(dev, false, false, rows, d.input, G, T(1), dgates,
                     w.w_ih.value().device_data<T>(), T(1), x.grad_buffer().device_data<T>());
  }
  for (Var* b : {&w.b_ih, &w.b_hh}) {
    if (b->requires_grad())
      kernels::sum_rows_accumulate<T>(dev, rows, G, dgates, b->grad_buffer().device_data<T>());
  }
}

}  // namespace recur::ops_detail
