// Fused GRU layer: forward and hand-written backward (see ops/rnn.h).
#include <utility>

#include "autograd/ops/rnn_common.h"

namespace recur {

using ops_detail::dispatch;
using ops_detail::step_at;

namespace {

// Saved by the forward pass, all (T, B, .) in step order t.
struct GruSaved {
  Tensor x_gates;  // (T, B, 3H) activations r, z, n; turned into gradients backward
  Tensor h_gates;  // (T, B, 3H) W_hh h_prev + b_hh; turned into gradients backward
  Tensor h_prev;   // (T, B, H) hidden state entering step t (after the keep mask)
};

template <class T>
void gru_forward(const ops_detail::RnnDims& d, const Var& x, const Var& h0, const RnnWeights& w,
                 const RnnLayerOptions& options, const ops_detail::PaddingMask& pad,
                 GruSaved& saved, Tensor& y, Tensor& h_out) {
  const int64_t B = d.batch, H = d.hidden, G = 3 * H, rows = d.steps * B;
  const Device dev = x.device();
  T* xg = saved.x_gates.device_data<T>();
  // Input projection of every step at once: x W_ih^T + b_ih.   (T*B, 3H)
  kernels::broadcast_rows<T>(dev, rows, G, w.b_ih.value().device_data<T>(), xg);
  kernels::gemm<T>(dev, false, true, rows, G, d.input, T(1), x.value().device_data<T>(),
                   w.w_ih.value().device_data<T>(), T(1), xg);
  // The recurrent biases of every step, before the per-step GEMMs accumulate onto them.
  kernels::broadcast_rows<T>(dev, rows, G, w.b_hh.value().device_data<T>(),
                             saved.h_gates.device_data<T>());

  // The state entering the first step; each step's fused kernel writes the one entering the next
  // (the last: the layer's final state), so a step is one GEMM and one kernel.
  T* h_prev = saved.h_prev.device_data<T>();
  const int64_t first = step_at(0, d.steps, options.reverse);
  ops_detail::enter_step<T>(dev, options, first, B, H, h0.value().device_data<T>(),
                            h_prev + first * B * H);
  ops_detail::restart_states<T>(d, options, 0, h_prev, static_cast<T*>(nullptr));
  for (int64_t s = 0; s < d.steps; ++s) {
    const int64_t t = step_at(s, d.steps, options.reverse);
    T* hg = saved.h_gates.device_data<T>() + t * B * G;
    kernels::gemm<T>(dev, false, true, B, G, H, T(1), h_prev + t * B * H,
                     w.w_hh.value().device_data<T>(), T(1), hg);
    kernels::gru_step_forward<T>(dev, B, H, xg + t * B * G, hg,
                                 ops_detail::step_io<T>(d, options, pad, s, y, h_prev, h_out));
    ops_detail::restart_states<T>(d, options, s + 1, h_prev, static_cast<T*>(nullptr));
  }
}

template <class T>
void gru_backward(const ops_detail::RnnDims& d, Var x, Var h0, RnnWeights w,
                  const RnnLayerOptions& options, const ops_detail::PaddingMask& pad,
                  GruSaved& saved, const RnnOutputs& out) {
  const int64_t B = d.batch, H = d.hidden, G = 3 * H, rows = d.steps * B;
  const Device dev = x.device();
  // dh: the gradient of the state entering the step after (its GEMM's output); each step's kernel
  // writes into dh_prev the part that bypasses W_hh (z dh, or padding's pass-through) and its GEMM
  // adds the rest, then the two swap.
  Tensor dh = Tensor::zeros({B, H}, x.dtype(), dev);
  Tensor dh_prev = Tensor::empty({B, H}, x.dtype(), dev);
  if (out.h.has_grad()) dh.copy_from(out.h.grad());
  T* dxg = saved.x_gates.device_data<T>();
  T* dhg = saved.h_gates.device_data<T>();
  RnnStepGrads<T> io;
  for (int64_t s = d.steps - 1; s >= 0; --s) {
    const int64_t t = step_at(s, d.steps, options.reverse);
    io = ops_detail::step_grads<T>(d, options, pad, t, out.y, dh, io.keep, dh_prev);
    kernels::gru_step_backward<T>(dev, B, H, dxg + t * B * G, dhg + t * B * G,
                                  saved.h_prev.device_data<T>() + t * B * H, io);
    kernels::gemm<T>(dev, false, false, B, H, G, T(1), dhg + t * B * G,
                     w.w_hh.value().device_data<T>(), T(1), dh_prev.device_data<T>());
    ops_detail::restart_states_backward<T>(d, options, t, dh_prev.device_data<T>(),
                                           static_cast<const T*>(nullptr));
    std::swap(dh, dh_prev);
  }
  // dh is the gradient of the first step's masked state: the mask's backward leads to h0.
  ops_detail::initial_state_backward<T>(d, options, dh, h0);
  if (w.w_hh.requires_grad()) {
    kernels::gemm<T>(dev, true, false, G, H, rows, T(1), dhg, saved.h_prev.device_data<T>(), T(1),
                     w.w_hh.grad_buffer().device_data<T>());
  }
  if (w.b_hh.requires_grad())
    kernels::sum_rows_accumulate<T>(dev, rows, G, dhg, w.b_hh.grad_buffer().device_data<T>());
  if (w.w_ih.requires_grad()) {
    kernels::gemm<T>(dev, true, false, G, d.input, rows, T(1), dxg, x.value().device_data<T>(),
                     T(1), w.w_ih.grad_buffer().device_data<T>());
  }
  if (x.requires_grad()) {
    kernels::gemm<T>(dev, false, false, rows, d.input, G, T(1), dxg,
                     w.w_ih.value().device_data<T>(), T(1), x.grad_buffer().device_data<T>());
  }
  if (w.b_ih.requires_grad())
    kernels::sum_rows_accumulate<T>(dev, rows, G, dxg, w.b_ih.grad_buffer().device_data<T>());
}

}  // namespace

RnnOutputs gru_layer(Tape& tape, const Var& x, const Var& h0, const RnnWeights& weights,
                     const RnnLayerOptions& options) {
  const auto d = ops_detail::check_rnn_inputs("gru_layer", 3, x, h0, weights, options);
  const Device dev = x.device();
  ops_detail::PaddingMask pad(options.lengths, d.batch, dev);
  const DType dt = x.dtype();
  GruSaved saved{Tensor::empty({d.steps, d.batch, 3 * d.hidden}, dt, dev),
                 Tensor::empty({d.steps, d.batch, 3 * d.hidden}, dt, dev),
                 Tensor::empty({d.steps, d.batch, d.hidden}, dt, dev)};
  Tensor y = Tensor::empty({d.steps, d.batch, d.hidden}, dt, dev);
  Tensor h = Tensor::empty({d.batch, d.hidden}, dt, dev);
  dispatch(x, [&]<class T>() { gru_forward<T>(d, x, h0, weights, options, pad, saved, y, h); });

  const std::vector<const Var*> inputs = ops_detail::layer_inputs(x, h0, nullptr, weights, options);
  const bool grad = tape.needs_grad(inputs);
  RnnOutputs out{Var(y, grad), Var(h, grad)};
  if (!grad) return out;
  tape.record(inputs, [=]() mutable {
    if (!out.y.has_grad() && !out.h.has_grad()) return;
    dispatch(x, [&]<class T>() { gru_backward<T>(d, x, h0, weights, options, pad, saved, out); });
  });
  return out;
}

}  // namespace recur
