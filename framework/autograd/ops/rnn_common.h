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
  // The rows of x (batch, width) that are padding at step t := the same rows of `source`, or zeros
  // when source is null.
  template <class T>
  void set_rows(int64_t t, int64_t width, const T* source, T* x) const {
    kernels::set_padded_rows<T>(lengths_.device(), lengths_.numel(), width,
                                lengths_.device_data<int32_t>(), t, source, x);
  }

 private:
  Tensor lengths_;  // (batch) on the layer's device
  int32_t min_length_ = 0;
};

// Step t of the order a layer runs in.
inline int64_t step_at(int64_t s, int64_t steps, bool reverse) {
  return reverse ? steps - 1 - s : s;
}

// Padding at step t: on padded rows the hidden state passes through unchanged and the output is 0.
// Writes the state to carry into h_state and returns it.
template <class T>
const T* pass_padding_through(Device dev, const PaddingMask& pad, int64_t t, int64_t batch,
                              int64_t hidden, const T* h_prev, T* out, T* h_state) {
  kernels::copy<T>(dev, batch * hidden, out, h_state);
  pad.set_rows<T>(t, hidden, h_prev, h_state);
  pad.set_rows<T>(t, hidden, nullptr, out);
  return h_state;
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
