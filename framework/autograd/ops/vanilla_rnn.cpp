// Fused vanilla (Elman) RNN layer: forward and hand-written backward (see ops/rnn.h).
#include <utility>

#include "autograd/ops/rnn_common.h"

namespace recur {

using ops_detail::dispatch;
using ops_detail::step_at;

namespace {

// Saved by the forward pass, all (T, B, .) in step order t.
struct VanillaRnnSaved {
  Tensor gates;   // (T, B, H) h_t before padding; turned into the pre-activations' gradients
  Tensor h_prev;  // (T, B, H) hidden state entering step t (after the keep mask)
};

template <class T>
void rnn_forward(const ops_detail::RnnDims& d, const Var& x, const Var& h0, const RnnWeights& w,
                 const RnnLayerOptions& options, Activation f, const ops_detail::PaddingMask& pad,
                 VanillaRnnSaved& saved, Tensor& y, Tensor& h_out) {
  const int64_t B = d.batch, H = d.hidden;
  const Device dev = x.device();
  T* gates = saved.gates.device_data<T>();
  ops_detail::project_inputs<T>(d, H, x, w, gates);
  // Each step's kernel writes the state entering the next step, so a step is one GEMM and one
  // kernel.
  T* h_prev = saved.h_prev.device_data<T>();
  const int64_t first = step_at(0, d.steps, options.reverse);
  ops_detail::enter_step<T>(dev, options, first, B, H, h0.value().device_data<T>(),
                            h_prev + first * B * H);
  ops_detail::restart_states<T>(d, options, 0, h_prev, static_cast<T*>(nullptr));
  for (int64_t s = 0; s < d.steps; ++s) {
    const int64_t t = step_at(s, d.steps, options.reverse);
    T* g = gates + t * B * H;
    kernels::gemm<T>(dev, false, true, B, H, H, T(1), h_prev + t * B * H,
                     w.w_hh.value().device_data<T>(), T(1), g);
    kernels::rnn_step_forward<T>(dev, B, H, f, g,
                                 ops_detail::step_io<T>(d, options, pad, s, y, h_prev, h_out));
    ops_detail::restart_states<T>(d, options, s + 1, h_prev, static_cast<T*>(nullptr));
  }
}

template <class T>
void rnn_backward(const ops_detail::RnnDims& d, Var x, Var h0, RnnWeights w,
                  const RnnLayerOptions& options, Activation f, const ops_detail::PaddingMask& pad,
                  VanillaRnnSaved& saved, const RnnOutputs& out) {
  const int64_t B = d.batch, H = d.hidden;
  const Device dev = x.device();
  // dh: the gradient of the state entering the step after; each step's kernel starts dh_prev with
  // what bypasses W_hh (padding's pass-through) and its GEMM adds the rest, then the two swap.
  Tensor dh = Tensor::zeros({B, H}, x.dtype(), dev);
  Tensor dh_prev = Tensor::empty({B, H}, x.dtype(), dev);
  if (out.h.has_grad()) dh.copy_from(out.h.grad());
  T* dgates = saved.gates.device_data<T>();  // activations become gradients in place, step by step
  RnnStepGrads<T> io;
  for (int64_t s = d.steps - 1; s >= 0; --s) {
    const int64_t t = step_at(s, d.steps, options.reverse);
    T* g = dgates + t * B * H;
    io = ops_detail::step_grads<T>(d, options, pad, t, out.y, dh, io.keep, dh_prev);
    kernels::rnn_step_backward<T>(dev, B, H, f, g, io);
    kernels::gemm<T>(dev, false, false, B, H, H, T(1), g, w.w_hh.value().device_data<T>(), T(1),
                     dh_prev.device_data<T>());
    ops_detail::restart_states_backward<T>(d, options, t, dh_prev.device_data<T>(),
                                           static_cast<const T*>(nullptr));
    std::swap(dh, dh_prev);
  }
  ops_detail::initial_state_backward<T>(d, options, dh, h0);
  ops_detail::project_inputs_backward<T>(d, H, x, w, dgates, saved.h_prev.device_data<T>());
}

}  // namespace

RnnOutputs rnn_layer(Tape& tape, const Var& x, const Var& h0, const RnnWeights& weights,
                     const RnnLayerOptions& options, Activation f) {
  RECUR_ASSERT(f == Activation::Tanh || f == Activation::Relu,
               "rnn_layer: the nonlinearity is tanh or relu");
  const auto d = ops_detail::check_rnn_inputs("rnn_layer", 1, x, h0, weights, options);
  const Device dev = x.device();
  ops_detail::PaddingMask pad(options.lengths, d.batch, dev);
  const DType dt = x.dtype();
  VanillaRnnSaved saved{Tensor::empty({d.steps, d.batch, d.hidden}, dt, dev),
                        Tensor::empty({d.steps, d.batch, d.hidden}, dt, dev)};
  Tensor y = Tensor::empty({d.steps, d.batch, d.hidden}, dt, dev);
  Tensor h = Tensor::empty({d.batch, d.hidden}, dt, dev);
  dispatch(x, [&]<class T>() { rnn_forward<T>(d, x, h0, weights, options, f, pad, saved, y, h); });

  const std::vector<const Var*> inputs = ops_detail::layer_inputs(x, h0, nullptr, weights, options);
  const bool grad = tape.needs_grad(inputs);
  RnnOutputs out{Var(y, grad), Var(h, grad)};
  if (!grad) return out;
  tape.record(inputs, [=]() mutable {
    if (!out.y.has_grad() && !out.h.has_grad()) return;
    dispatch(x,
             [&]<class T>() { rnn_backward<T>(d, x, h0, weights, options, f, pad, saved, out); });
  });
  return out;
}

}  // namespace recur
