// Pieces shared by the LSTM and GRU layer ops (implementation detail of ops/lstm.cpp, ops/gru.cpp).
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

}  // namespace recur::ops_detail
