// Fused LSTM, GRU and vanilla RNN gate passes of one time step on the device: the counterparts of
// kernels/cpu/rnn_cells.h (same layouts, gate orders and in-place contracts; see there).
#pragma once

#include <cstdint>

#include "kernels/kernel_types.h"

namespace recur::cuda {

template <class T>
void lstm_step_forward(int64_t batch, int64_t hidden, T* gates, const T* c_prev, T* cell,
                       const RnnStepIo<T>& io);
template <class T>
void lstm_step_backward(int64_t batch, int64_t hidden, T* gates, const T* c_prev, const T* cell,
                        const RnnStepGrads<T>& io);
template <class T>
void gru_step_forward(int64_t batch, int64_t hidden, T* x_gates, const T* h_gates,
                      const RnnStepIo<T>& io);
template <class T>
void gru_step_backward(int64_t batch, int64_t hidden, T* x_gates, T* h_gates, const T* h_prev,
                       const RnnStepGrads<T>& io);

template <class T>
void rnn_step_forward(int64_t batch, int64_t hidden, Activation f, T* gates,
                      const RnnStepIo<T>& io);
template <class T>
void rnn_step_backward(int64_t batch, int64_t hidden, Activation f, T* gates,
                       const RnnStepGrads<T>& io);

}  // namespace recur::cuda
