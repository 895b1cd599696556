// Fused gate passes of one recurrent time step for a batch of B rows. The GEMMs around them (input
// projection of all steps, recurrent projection per step) are done by the caller.
//
// LSTM (PyTorch gate order i, f, g, o):
//   i = s(a_i)  f = s(a_f)  g = tanh(a_g)  o = s(a_o)   c = f * c_prev + i * g   h = o * tanh(c)
// GRU (PyTorch gate order r, z, n; the reset gate multiplies the recurrent part of n):
//   r = s(x_r + h_r)  z = s(x_z + h_z)  n = tanh(x_n + r * h_n)   h = (1 - z) * n + z * h_prev
// Vanilla (Elman) RNN, torch.nn.RNN's, with f = tanh or relu:
//   h = f(W_ih x + b_ih + W_hh h_prev + b_hh)
#pragma once

#include <cstdint>

#include "kernels/kernel_types.h"

namespace recur::cpu {

// One LSTM step after its recurrent GEMM. gates (B, 4H): in, pre-activations; out, activations
// [i f g o]. c_prev (B, H): the cell state entering the step. Writes cell (B, H), c_t (c_prev on
// padded rows), and io's output and next states (kernels/kernel_types.h).
template <class T>
void lstm_step_forward(int64_t batch, int64_t hidden, T* gates, const T* c_prev, T* cell,
                       const RnnStepIo<T>& io);

// One LSTM step backward, before its recurrent GEMM. gates (B, 4H): in, activations saved by the
// forward pass; out, gradients of the pre-activations. c_prev, cell (B, H): the states saved by
// the forward pass. io: the gradients in and out (kernels/kernel_types.h).
template <class T>
void lstm_step_backward(int64_t batch, int64_t hidden, T* gates, const T* c_prev, const T* cell,
                        const RnnStepGrads<T>& io);

// One GRU step after its recurrent GEMM. x_gates (B, 3H): in, W_ih x + b_ih; out, activations
// [r z n]. h_gates (B, 3H): W_hh h_prev + b_hh (read only). Writes io's output and next state
// (kernels/kernel_types.h; io.h_prev is the state entering the step).
template <class T>
void gru_step_forward(int64_t batch, int64_t hidden, T* x_gates, const T* h_gates,
                      const RnnStepIo<T>& io);

// One GRU step backward, before its recurrent GEMM. x_gates (B, 3H): in, activations; out,
// gradients of (W_ih x + b_ih). h_gates (B, 3H): in, W_hh h_prev + b_hh; out, gradients of it.
// h_prev (B, H): the state the forward pass saved. io: the gradients in and out
// (kernels/kernel_types.h; the caller's GEMM adds h_gates' gradients times W_hh to io.dh_prev).
template <class T>
void gru_step_backward(int64_t batch, int64_t hidden, T* x_gates, T* h_gates, const T* h_prev,
                       const RnnStepGrads<T>& io);

// One vanilla RNN step after its recurrent GEMM. gates (B, H): in, pre-activations; out, their
// activations f(a) (f = tanh or relu; kept for backward). Writes io's output and next state
// (kernels/kernel_types.h).
template <class T>
void rnn_step_forward(int64_t batch, int64_t hidden, Activation f, T* gates,
                      const RnnStepIo<T>& io);

// One vanilla RNN step backward, before its recurrent GEMM. gates (B, H): in, the activations the
// forward pass kept; out, gradients of the pre-activations. io: the gradients in and out
// (kernels/kernel_types.h).
template <class T>
void rnn_step_backward(int64_t batch, int64_t hidden, Activation f, T* gates,
                       const RnnStepGrads<T>& io);

}  // namespace recur::cpu
