// The gate maths of one unit of a recurrent step, written once for the CPU loops and the CUDA
// kernels (layouts, gate orders and formulas in kernels/cpu/rnn_cells.h). Each function handles
// unit j of one batch row: g, xg and hg are that row's gates (4H for the LSTM, 3H for the GRU, H
// for the vanilla RNN), the other pointers its states (H).
#pragma once

#include <cstdint>

#include "core/host_device.h"
#include "kernels/element_math.h"
#include "kernels/kernel_types.h"

namespace recur::kernels {

// g: in, pre-activations [i f g o]; out, activations. Writes c[j] and h[j].
template <class T>
RECUR_HOST_DEVICE void lstm_unit_forward(int64_t H, int64_t j, T* g, const T* c_prev, T* c, T* h) {
  const T i = sigmoid_of(g[j]);
  const T f = sigmoid_of(g[H + j]);
  const T n = tanh_of(g[2 * H + j]);
  const T o = sigmoid_of(g[3 * H + j]);
  const T cell = f * c_prev[j] + i * n;
  g[j] = i;
  g[H + j] = f;
  g[2 * H + j] = n;
  g[3 * H + j] = o;
  c[j] = cell;
  h[j] = o * tanh_of(cell);
}

// Unit j of row b of a fused LSTM step (RnnStepIo, kernels/kernel_types.h): gates (B, 4H) as
// lstm_unit_forward's, c_prev (B, H) the cell state entering the step, cell (B, H) the c_t saved
// for backward (c_prev on padded rows).
template <class T>
RECUR_HOST_DEVICE void lstm_step_unit(int64_t H, int64_t b, int64_t j, T* gates, const T* c_prev,
                                      T* cell, const RnnStepIo<T>& io) {
  const int64_t u = b * H + j;
  lstm_unit_forward(H, j, gates + b * 4 * H, c_prev + b * H, cell + b * H, io.y + b * H);
  const bool padded = io.lengths != nullptr && io.t >= io.lengths[b];
  if (padded) {
    cell[u] = c_prev[u];
    io.y[u] = T(0);
  }
  const T carried_h = padded ? io.h_prev[u] : io.y[u];
  const T factor = io.keep_next != nullptr ? io.keep_next[b] : T(1);
  io.next_h[u] = factor * carried_h;
  io.next_c[u] = factor * cell[u];
}

// g: in, the activations of the forward pass; out, gradients of the pre-activations. dh, dc: the
// gradients of h and c; returns the gradient of c_prev.
template <class T>
RECUR_HOST_DEVICE T lstm_unit_backward(int64_t H, int64_t j, T* g, const T* c_prev, const T* c,
                                       T dh, T dc) {
  const T i = g[j], f = g[H + j], n = g[2 * H + j], o = g[3 * H + j];
  const T tc = tanh_of(c[j]);
  const T dcell = dc + tanh_grad(tc, dh * o);
  g[j] = sigmoid_grad(i, dcell * n);
  g[H + j] = sigmoid_grad(f, dcell * c_prev[j]);
  g[2 * H + j] = tanh_grad(n, dcell * i);
  g[3 * H + j] = sigmoid_grad(o, dh * tc);
  return dcell * f;
}

// Unit j of row b of a fused LSTM step backward (RnnStepGrads, kernels/kernel_types.h): gates
// (B, 4H) as lstm_unit_backward's, c_prev and cell (B, H) the forward's saved states. A padded row
// passes its gradients through and gives its gates none.
template <class T>
RECUR_HOST_DEVICE void lstm_step_unit_backward(int64_t H, int64_t b, int64_t j, T* gates,
                                               const T* c_prev, const T* cell,
                                               const RnnStepGrads<T>& io) {
  const int64_t u = b * H + j;
  const T dh = (io.keep_after != nullptr ? io.keep_after[b] : T(1)) * io.dh[u];
  const T keep = io.keep != nullptr ? io.keep[b] : T(1);
  T* g = gates + b * 4 * H;
  T dc_entering;
  if (io.lengths != nullptr && io.t >= io.lengths[b]) {
    g[j] = g[H + j] = g[2 * H + j] = g[3 * H + j] = T(0);
    io.dh_prev[u] = dh;
    dc_entering = io.dc[u];
  } else {
    const T dstep = dh + (io.dy != nullptr ? io.dy[u] : T(0));
    io.dh_prev[u] = T(0);
    dc_entering = lstm_unit_backward(H, j, g, c_prev + b * H, cell + b * H, dstep, io.dc[u]);
  }
  if (io.dc_entering != nullptr) io.dc_entering[u] = dc_entering;
  io.dc[u] = keep * dc_entering;
}

// xg: in, W_ih x + b_ih; out, activations [r z n]. hg: W_hh h_prev + b_hh. Writes h[j].
template <class T>
RECUR_HOST_DEVICE void gru_unit_forward(int64_t H, int64_t j, T* xg, const T* hg, const T* h_prev,
                                        T* h) {
  const T r = sigmoid_of(xg[j] + hg[j]);
  const T z = sigmoid_of(xg[H + j] + hg[H + j]);
  const T n = tanh_of(xg[2 * H + j] + r * hg[2 * H + j]);
  xg[j] = r;
  xg[H + j] = z;
  xg[2 * H + j] = n;
  h[j] = (T(1) - z) * n + z * h_prev[j];
}

// Unit j of row b of a fused GRU step (RnnStepIo, kernels/kernel_types.h): x_gates and h_gates
// (B, 3H) as gru_unit_forward's.
template <class T>
RECUR_HOST_DEVICE void gru_step_unit(int64_t H, int64_t b, int64_t j, T* x_gates, const T* h_gates,
                                     const RnnStepIo<T>& io) {
  const int64_t u = b * H + j;
  gru_unit_forward(H, j, x_gates + b * 3 * H, h_gates + b * 3 * H, io.h_prev + b * H, io.y + b * H);
  const bool padded = io.lengths != nullptr && io.t >= io.lengths[b];
  if (padded) io.y[u] = T(0);
  const T carried_h = padded ? io.h_prev[u] : io.y[u];
  io.next_h[u] = (io.keep_next != nullptr ? io.keep_next[b] : T(1)) * carried_h;
}

// xg: in, activations; out, gradients of (W_ih x + b_ih). hg: in, W_hh h_prev + b_hh; out,
// gradients of it. dh: the gradient of h; returns the part of h_prev's gradient that bypasses
// W_hh.
template <class T>
RECUR_HOST_DEVICE T gru_unit_backward(int64_t H, int64_t j, T* xg, T* hg, const T* h_prev, T dh) {
  const T r = xg[j], z = xg[H + j], n = xg[2 * H + j];
  const T dn = tanh_grad(n, dh * (T(1) - z));  // gradient of n's pre-activation
  const T dz = sigmoid_grad(z, dh * (h_prev[j] - n));
  const T dr = sigmoid_grad(r, dn * hg[2 * H + j]);
  xg[j] = dr;
  xg[H + j] = dz;
  xg[2 * H + j] = dn;
  hg[j] = dr;
  hg[H + j] = dz;
  hg[2 * H + j] = dn * r;
  return dh * z;
}

// Unit j of row b of a fused GRU step backward (RnnStepGrads, kernels/kernel_types.h; dc unused):
// x_gates and h_gates (B, 3H) as gru_unit_backward's, h_prev (B, H) the forward's saved state.
template <class T>
RECUR_HOST_DEVICE void gru_step_unit_backward(int64_t H, int64_t b, int64_t j, T* x_gates,
                                              T* h_gates, const T* h_prev,
                                              const RnnStepGrads<T>& io) {
  const int64_t u = b * H + j;
  const T dh = (io.keep_after != nullptr ? io.keep_after[b] : T(1)) * io.dh[u];
  T* xg = x_gates + b * 3 * H;
  T* hg = h_gates + b * 3 * H;
  if (io.lengths != nullptr && io.t >= io.lengths[b]) {
    xg[j] = xg[H + j] = xg[2 * H + j] = T(0);
    hg[j] = hg[H + j] = hg[2 * H + j] = T(0);
    io.dh_prev[u] = dh;
    return;
  }
  const T dstep = dh + (io.dy != nullptr ? io.dy[u] : T(0));
  io.dh_prev[u] = gru_unit_backward(H, j, xg, hg, h_prev + b * H, dstep);
}

// Unit j of row b of a fused vanilla RNN step (RnnStepIo, kernels/kernel_types.h): gates (B, H):
// in, the pre-activations W_ih x + b_ih + W_hh h_prev + b_hh; out, f of them, f = tanh or relu.
template <class T>
RECUR_HOST_DEVICE void rnn_step_unit(Activation f, int64_t H, int64_t b, int64_t j, T* gates,
                                     const RnnStepIo<T>& io) {
  const int64_t u = b * H + j;
  const T h = f == Activation::Relu ? relu_of(gates[u]) : tanh_of(gates[u]);
  gates[u] = h;
  const bool padded = io.lengths != nullptr && io.t >= io.lengths[b];
  io.y[u] = padded ? T(0) : h;
  const T carried_h = padded ? io.h_prev[u] : h;
  io.next_h[u] = (io.keep_next != nullptr ? io.keep_next[b] : T(1)) * carried_h;
}

// Unit j of row b of a fused vanilla RNN step backward (RnnStepGrads, kernels/kernel_types.h; dc
// unused): gates (B, H): in, the forward's outputs f(a); out, the gradients of the
// pre-activations a.
template <class T>
RECUR_HOST_DEVICE void rnn_step_unit_backward(Activation f, int64_t H, int64_t b, int64_t j,
                                              T* gates, const RnnStepGrads<T>& io) {
  const int64_t u = b * H + j;
  const T dh = (io.keep_after != nullptr ? io.keep_after[b] : T(1)) * io.dh[u];
  if (io.lengths != nullptr && io.t >= io.lengths[b]) {
    gates[u] = T(0);
    io.dh_prev[u] = dh;
    return;
  }
  const T dstep = dh + (io.dy != nullptr ? io.dy[u] : T(0));
  gates[u] = f == Activation::Relu ? relu_grad(gates[u], dstep) : tanh_grad(gates[u], dstep);
  io.dh_prev[u] = T(0);
}

}  // namespace recur::kernels
