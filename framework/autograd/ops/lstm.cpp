// Fused LSTM layer: forward and hand-written backward (see ops/rnn.h).
#include <utility>

#include "autograd/ops/rnn_common.h"

namespace recur {

using ops_detail::dispatch;
using ops_detail::step_at;

namespace {

// Activations the backward pass needs, all (T, B, .) in step order t (not run order).
struct LstmSaved {
  Tensor gates;   // (T, B, 4H) gate activations i, f, g, o; turned into their gradients backward
  Tensor cells;   // (T, B, H) c_t
  Tensor h_prev;  // (T, B, H) hidden state entering step t (after the keep mask)
  Tensor c_prev;  // (T, B, H) cell state entering step t (after the keep mask)
};

template <class T>
void lstm_forward(const ops_detail::RnnDims& d, const Var& x, const Var& h0, const Var& c0,
                  const RnnWeights& w, const RnnLayerOptions& options,
                  const ops_detail::PaddingMask& pad, LstmSaved& saved, Tensor& y, Tensor& h_out,
                  Tensor& c_out) {
  const int64_t B = d.batch, H = d.hidden, G = 4 * H;
  const Device dev = x.device();
  T* gates = saved.gates.device_data<T>();
  ops_detail::project_inputs<T>(d, G, x, w, gates);
  // The states entering the first step; each step's fused kernel writes those entering the next
  // one (the last: the layer's final states), so a step is one GEMM and one kernel.
  T* h_prev = saved.h_prev.device_data<T>();
  T* c_prev = saved.c_prev.device_data<T>();
  const int64_t first = step_at(0, d.steps, options.reverse);
  ops_detail::enter_step<T>(dev, options, first, B, H, h0.value().device_data<T>(),
                            h_prev + first * B * H);
  ops_detail::enter_step<T>(dev, options, first, B, H, c0.value().device_data<T>(),
                            c_prev + first * B * H);
  ops_detail::restart_states<T>(d, options, 0, h_prev, c_prev);
  for (int64_t s = 0; s < d.steps; ++s) {
    const int64_t t = step_at(s, d.steps, options.reverse);
    T* g = gates + t * B * G;
    kernels::gemm<T>(dev, false, true, B, G, H, T(1), h_prev + t * B * H,
                     w.w_hh.value().device_data<T>(), T(1), g);
    RnnStepIo<T> io = ops_detail::step_io<T>(d, options, pad, s, y, h_prev, h_out);
    io.next_c = ops_detail::next_state<T>(d, options, s, c_prev, c_out);
    kernels::lstm_step_forward<T>(dev, B, H, g, c_prev + t * B * H,
                                  saved.cells.device_data<T>() + t * B * H, io);
    ops_detail::restart_states<T>(d, options, s + 1, h_prev, c_prev);
  }
}

template <class T>
void lstm_backward(const ops_detail::RnnDims& d, Var x, Var h0, Var c0, RnnWeights w,
                   const RnnLayerOptions& options, const ops_detail::PaddingMask& pad,
                   LstmSaved& saved, const LstmOutputs& out) {
  const int64_t B = d.batch, H = d.hidden, G = 4 * H;
  const Device dev = x.device();
  // dh: the gradient of the state entering the step after (its GEMM's output); each step's kernel
  // starts dh_prev with what bypasses W_hh and its GEMM adds the rest, then the two swap.
  Tensor dh = Tensor::zeros({B, H}, x.dtype(), dev);
  Tensor dh_prev = Tensor::empty({B, H}, x.dtype(), dev);
  Tensor dc = Tensor::zeros({B, H}, x.dtype(), dev);
  if (out.h.has_grad()) dh.copy_from(out.h.grad());
  if (out.c.has_grad()) dc.copy_from(out.c.grad());
  const bool restarts = options.resets.defined();
  Tensor dc_entering = restarts ? Tensor::empty({B, H}, x.dtype(), dev) : Tensor();
  T* dgates = saved.gates.device_data<T>();  // activations become gradients in place, step by step
  RnnStepGrads<T> io;
  for (int64_t s = d.steps - 1; s >= 0; --s) {
    const int64_t t = step_at(s, d.steps, options.reverse);
    T* g = dgates + t * B * G;
    io = ops_detail::step_grads<T>(d, options, pad, t, out.y, dh, io.keep, dh_prev);
    io.dc = dc.device_data<T>();
    io.dc_entering = restarts ? dc_entering.device_data<T>() : nullptr;
    kernels::lstm_step_backward<T>(dev, B, H, g, saved.c_prev.device_data<T>() + t * B * H,
                                   saved.cells.device_data<T>() + t * B * H, io);
    if (s > 0 || h0.requires_grad() || restarts) {
      kernels::gemm<T>(dev, false, false, B, H, G, T(1), g, w.w_hh.value().device_data<T>(), T(1),
                       dh_prev.device_data<T>());
    }
    ops_detail::restart_states_backward<T>(d, options, t, dh_prev.device_data<T>(), io.dc_entering);
    std::swap(dh, dh_prev);
  }
  // dh is the gradient of the first step's masked state: the mask's backward leads to h0.
  ops_detail::initial_state_backward<T>(d, options, dh, h0);
  if (c0.requires_grad())
    kernels::axpy<T>(dev, B * H, T(1), dc.device_data<T>(), c0.grad_buffer().device_data<T>());
  ops_detail::project_inputs_backward<T>(d, G, x, w, dgates, saved.h_prev.device_data<T>());
}

}  // namespace

LstmOutputs lstm_layer(Tape& tape, const Var& x, const Var& h0, const Var& c0,
                       const RnnWeights& weights, const RnnLayerOptions& options) {
  const auto d = ops_detail::check_rnn_inputs("lstm_layer", 4, x, h0, weights, options);
  RECUR_ASSERT(c0.shape() == h0.shape(), "lstm_layer: cell state ", c0.shape().str());
  RECUR_ASSERT(c0.device() == x.device(), "lstm_layer: cell state on ", c0.device().str());
  const Device dev = x.device();
  ops_detail::PaddingMask pad(options.lengths, d.batch, dev);
  const DType dt = x.dtype();
  LstmSaved saved{Tensor::empty({d.steps, d.batch, 4 * d.hidden}, dt, dev),
                  Tensor::empty({d.steps, d.batch, d.hidden}, dt, dev),
                  Tensor::empty({d.steps, d.batch, d.hidden}, dt, dev),
                  Tensor::empty({d.steps, d.batch, d.hidden}, dt, dev)};
  Tensor y = Tensor::empty({d.steps, d.batch, d.hidden}, dt, dev);
  Tensor h = Tensor::empty({d.batch, d.hidden}, dt, dev);
  Tensor c = Tensor::empty({d.batch, d.hidden}, dt, dev);
  dispatch(
      x, [&]<class T>() { lstm_forward<T>(d, x, h0, c0, weights, options, pad, saved, y, h, c); });

  const std::vector<const Var*> inputs = ops_detail::layer_inputs(x, h0, &c0, weights, options);
  const bool grad = tape.needs_grad(inputs);
  LstmOutputs out{Var(y, grad), Var(h, grad), Var(c, grad)};
  if (!grad) return out;
  tape.record(inputs, [=]() mutable {
    if (!out.y.has_grad() && !out.h.has_grad() && !out.c.has_grad()) return;
    dispatch(x,
             [&]<class T>() { lstm_backward<T>(d, x, h0, c0, weights, options, pad, saved, out); });
  });
  return out;
}

}  // namespace recur
