// Fused LSTM layer: forward and hand-written backward (see ops/rnn.h).
#include "autograd/ops/rnn_common.h"
#include "kernels/cpu/blas.h"
#include "kernels/cpu/rnn_cells.h"

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
  const int64_t B = d.batch, H = d.hidden, G = 4 * H, rows = d.steps * B;
  T* gates = saved.gates.data<T>();
  // Input projection of every step at once: gates = x W_ih^T + (b_ih + b_hh).   (T*B, 4H)
  std::vector<T> bias(static_cast<size_t>(G));
  cpu::add<T>(G, w.b_ih.value().data<T>(), w.b_hh.value().data<T>(), bias.data());
  ops_detail::fill_rows<T>(rows, G, bias.data(), gates);
  cpu::gemm<T>(false, true, rows, G, d.input, T(1), x.value().data<T>(), w.w_ih.value().data<T>(),
               T(1), gates);

  Tensor h_state = Tensor::empty({B, H}, x.dtype());
  const T* h = h0.value().data<T>();
  const T* c = c0.value().data<T>();
  for (int64_t s = 0; s < d.steps; ++s) {
    const int64_t t = step_at(s, d.steps, options.reverse);
    T* g = gates + t * B * G;
    T* hp = saved.h_prev.data<T>() + t * B * H;
    T* cp = saved.c_prev.data<T>() + t * B * H;
    T* cell = saved.cells.data<T>() + t * B * H;
    T* out = y.data<T>() + t * B * H;
    ops_detail::enter_step<T>(options, t, B, H, h, hp);
    ops_detail::enter_step<T>(options, t, B, H, c, cp);
    cpu::gemm<T>(false, true, B, G, H, T(1), hp, w.w_hh.value().data<T>(), T(1), g);
    cpu::lstm_cell_forward<T>(B, H, g, cp, cell, out);
    h = out;
    if (pad.any(t)) {
      ops_detail::copy_rows_if<T>(B, H, cp, cell, [&](int64_t b) { return pad.padded(t, b); });
      h = ops_detail::pass_padding_through<T>(pad, t, B, H, hp, out, h_state.data<T>());
    }
    c = cell;
  }
  std::copy_n(h, B * H, h_out.data<T>());
  std::copy_n(c, B * H, c_out.data<T>());
}

template <class T>
void lstm_backward(const ops_detail::RnnDims& d, Var x, Var h0, Var c0, RnnWeights w,
                   const RnnLayerOptions& options, const ops_detail::PaddingMask& pad,
                   LstmSaved& saved, const LstmOutputs& out) {
  const int64_t B = d.batch, H = d.hidden, G = 4 * H, rows = d.steps * B;
  Tensor dh = Tensor::zeros({B, H}, x.dtype());
  Tensor dc = Tensor::zeros({B, H}, x.dtype());
  Tensor dstep = Tensor::empty({B, H}, x.dtype());
  Tensor dh_in, dc_in;  // copies for the rows that pass padding through
  if (out.h.has_grad()) dh.copy_from(out.h.grad());
  if (out.c.has_grad()) dc.copy_from(out.c.grad());
  const T* dy = out.y.has_grad() ? out.y.grad().data<T>() : nullptr;
  T* dgates = saved.gates.data<T>();  // activations become gradients in place, step by step
  for (int64_t s = d.steps - 1; s >= 0; --s) {
    const int64_t t = step_at(s, d.steps, options.reverse);
    T* g = dgates + t * B * G;
    const bool padding = pad.any(t);
    if (padding) {
      dh_in = dh.clone();
      dc_in = dc.clone();
    }
    if (dy) {
      cpu::add<T>(B * H, dh.data<T>(), dy + t * B * H, dstep.data<T>());
    } else {
      dstep.copy_from(dh);
    }
    cpu::lstm_cell_backward<T>(B, H, g, saved.c_prev.data<T>() + t * B * H,
                               saved.cells.data<T>() + t * B * H, dstep.data<T>(), dc.data<T>());
    if (padding) {
      for (int64_t b = 0; b < B; ++b) {
        if (pad.padded(t, b)) std::fill_n(g + b * G, G, T(0));
      }
    }
    if (s > 0 || h0.requires_grad()) {
      cpu::gemm<T>(false, false, B, H, G, T(1), g, w.w_hh.value().data<T>(), T(0), dh.data<T>());
    }
    if (padding) {
      auto padded = [&](int64_t b) { return pad.padded(t, b); };
      ops_detail::copy_rows_if<T>(B, H, dh_in.data<T>(), dh.data<T>(), padded);
      ops_detail::copy_rows_if<T>(B, H, dc_in.data<T>(), dc.data<T>(), padded);
    }
    ops_detail::leave_step_backward<T>(options, t, B, H, dh.data<T>());
    ops_detail::leave_step_backward<T>(options, t, B, H, dc.data<T>());
  }
  if (h0.requires_grad()) cpu::axpy<T>(B * H, T(1), dh.data<T>(), h0.grad_buffer().data<T>());
  if (c0.requires_grad()) cpu::axpy<T>(B * H, T(1), dc.data<T>(), c0.grad_buffer().data<T>());
  // Weight gradients of all steps at once.
  if (w.w_hh.requires_grad()) {
    cpu::gemm<T>(true, false, G, H, rows, T(1), dgates, saved.h_prev.data<T>(), T(1),
                 w.w_hh.grad_buffer().data<T>());
  }
  if (w.w_ih.requires_grad()) {
    cpu::gemm<T>(true, false, G, d.input, rows, T(1), dgates, x.value().data<T>(), T(1),
                 w.w_ih.grad_buffer().data<T>());
  }
  if (x.requires_grad()) {
    cpu::gemm<T>(false, false, rows, d.input, G, T(1), dgates, w.w_ih.value().data<T>(), T(1),
                 x.grad_buffer().data<T>());
  }
  for (Var* b : {&w.b_ih, &w.b_hh}) {
    if (b->requires_grad())
      cpu::sum_rows_accumulate<T>(rows, G, dgates, b->grad_buffer().data<T>());
  }
}

}  // namespace

LstmOutputs lstm_layer(Tape& tape, const Var& x, const Var& h0, const Var& c0,
                       const RnnWeights& weights, const RnnLayerOptions& options) {
  const auto d = ops_detail::check_rnn_inputs("lstm_layer", 4, x, h0, weights, options);
  RECUR_ASSERT(c0.shape() == h0.shape(), "lstm_layer: cell state ", c0.shape().str());
  ops_detail::PaddingMask pad(options.lengths, d.batch);
  const DType dt = x.dtype();
  LstmSaved saved{Tensor::empty({d.steps, d.batch, 4 * d.hidden}, dt),
                  Tensor::empty({d.steps, d.batch, d.hidden}, dt),
                  Tensor::empty({d.steps, d.batch, d.hidden}, dt),
                  Tensor::empty({d.steps, d.batch, d.hidden}, dt)};
  Tensor y = Tensor::empty({d.steps, d.batch, d.hidden}, dt);
  Tensor h = Tensor::empty({d.batch, d.hidden}, dt);
  Tensor c = Tensor::empty({d.batch, d.hidden}, dt);
  dispatch(
      x, [&]<class T>() { lstm_forward<T>(d, x, h0, c0, weights, options, pad, saved, y, h, c); });

  const std::vector<const Var*> inputs = {
      &x, &h0, &c0, &weights.w_ih, &weights.w_hh, &weights.b_ih, &weights.b_hh};
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
