// Pieces shared by the LSTM and GRU layer ops (implementation detail of ops/lstm.cpp, ops/gru.cpp).
#pragma once

#include <algorithm>
#include <vector>

#include "autograd/ops/common.h"
#include "autograd/ops/rnn.h"
#include "kernels/cpu/elementwise.h"

namespace recur::ops_detail {

// Shapes of one layer call, checked against each other.
struct RnnDims {
  int64_t steps = 0, batch = 0, input = 0, hidden = 0;
};

RnnDims check_rnn_inputs(const char* op, int gates, const Var& x, const Var& h0,
                         const RnnWeights& w, const RnnLayerOptions& options);

// Which rows of step t are padding (t >= lengths[b]); empty when there are no lengths.
class PaddingMask {
 public:
  PaddingMask(const Tensor& lengths, int64_t batch);
  bool any(int64_t t) const { return !lengths_.empty() && t >= min_length_; }
  bool padded(int64_t t, int64_t b) const { return t >= lengths_[static_cast<size_t>(b)]; }

 private:
  std::vector<int32_t> lengths_;
  int32_t min_length_ = 0;
};

// Step t of the order a layer runs in.
inline int64_t step_at(int64_t s, int64_t steps, bool reverse) {
  return reverse ? steps - 1 - s : s;
}

// Copies `rows` rows of `width` from src to dst for which pick(b) is true.
template <class T, class Pick>
void copy_rows_if(int64_t rows, int64_t width, const T* src, T* dst, Pick pick) {
  for (int64_t b = 0; b < rows; ++b) {
    if (pick(b)) std::copy_n(src + b * width, width, dst + b * width);
  }
}

// Padding at step t: on padded rows the hidden state passes through unchanged and the output is 0.
// Writes the state to carry into h_state and returns it.
template <class T>
const T* pass_padding_through(const PaddingMask& pad, int64_t t, int64_t batch, int64_t hidden,
                              const T* h_prev, T* out, T* h_state) {
  std::copy_n(out, batch * hidden, h_state);
  for (int64_t b = 0; b < batch; ++b) {
    if (!pad.padded(t, b)) continue;
    std::copy_n(h_prev + b * hidden, hidden, h_state + b * hidden);
    std::fill_n(out + b * hidden, hidden, T(0));
  }
  return h_state;
}

// The state entering step t: state * keep[t] when there is a keep mask, else a copy.
template <class T>
void enter_step(const RnnLayerOptions& options, int64_t t, int64_t batch, int64_t hidden,
                const T* state, T* out) {
  if (options.keep.defined()) {
    cpu::scale_rows<T>(batch, hidden, state, options.keep.data<T>() + t * batch, out);
  } else {
    std::copy_n(state, batch * hidden, out);
  }
}

// Gradient of the state before step t: the keep mask's backward, in place.
template <class T>
void leave_step_backward(const RnnLayerOptions& options, int64_t t, int64_t batch, int64_t hidden,
                         T* grad) {
  if (options.keep.defined()) {
    cpu::scale_rows<T>(batch, hidden, grad, options.keep.data<T>() + t * batch, grad);
  }
}

// bias (cols) copied into every row of out (rows, cols).
template <class T>
void fill_rows(int64_t rows, int64_t cols, const T* bias, T* out) {
  for (int64_t r = 0; r < rows; ++r)
    std::copy_n(bias, cols, out + r * cols);
}

}  // namespace recur::ops_detail
