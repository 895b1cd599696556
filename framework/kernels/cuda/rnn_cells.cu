#include "kernels/cuda/for_each.cuh"
#include "kernels/cuda/rnn_cells.h"
#include "kernels/cuda/runtime.h"
#include "kernels/rnn_cell_math.h"

namespace recur::cuda {

namespace {

// fn(b, j) for every row b and unit j of a step: one thread per (b, j).
template <class Fn>
void for_units(const char* name, int64_t batch, int64_t hidden, Fn fn) {
  for_each(name, batch * hidden, [=] __device__(int64_t u) { fn(u / hidden, u % hidden); });
}

}  // namespace

template <class T>
void lstm_step_forward(int64_t batch, int64_t hidden, T* gates, const T* c_prev, T* cell,
                       const RnnStepIo<T>& io) {
  const int64_t H = hidden;
  const RnnStepIo<T> step = io;  // by value into the kernel
  for_units("lstm_step_forward", batch, H, [=] __device__(int64_t b, int64_t j) {
    kernels::lstm_step_unit(H, b, j, gates, c_prev, cell, step);
  });
}

template <class T>
void lstm_step_backward(int64_t batch, int64_t hidden, T* gates, const T* c_prev, const T* cell,
                        const RnnStepGrads<T>& io) {
  const int64_t H = hidden;
  const RnnStepGrads<T> step = io;  // by value into the kernel
  for_units("lstm_step_backward", batch, H, [=] __device__(int64_t b, int64_t j) {
    kernels::lstm_step_unit_backward(H, b, j, gates, c_prev, cell, step);
  });
}

template <class T>
void gru_step_forward(int64_t batch, int64_t hidden, T* x_gates, const T* h_gates,
                      const RnnStepIo<T>& io) {
  const int64_t H = hidden;
  const RnnStepIo<T> step = io;  // by value into the kernel
  for_units("gru_step_forward", batch, H, [=] __device__(int64_t b, int64_t j) {
    kernels::gru_step_unit(H, b, j, x_gates, h_gates, step);
  });
}

template <class T>
void gru_step_backward(int64_t batch, int64_t hidden, T* x_gates, T* h_gates, const T* h_prev,
                       const RnnStepGrads<T>& io) {
  const int64_t H = hidden;
  const RnnStepGrads<T> step = io;  // by value into the kernel
  for_units("gru_step_backward", batch, H, [=] __device__(int64_t b, int64_t j) {
    kernels::gru_step_unit_backward(H, b, j, x_gates, h_gates, h_prev, step);
  });
}

template <class T>
void rnn_step_forward(int64_t batch, int64_t hidden, Activation f, T* gates,
                      const RnnStepIo<T>& io) {
  const int64_t H = hidden;
  const RnnStepIo<T> step = io;  // by value into the kernel
  for_units("rnn_step_forward", batch, H, [=] __device__(int64_t b, int64_t j) {
    kernels::rnn_step_unit(f, H, b, j, gates, step);
  });
}

template <class T>
void rnn_step_backward(int64_t batch, int64_t hidden, Activation f, T* gates,
                       const RnnStepGrads<T>& io) {
  const int64_t H = hidden;
  const RnnStepGrads<T> step = io;  // by value into the kernel
  for_units("rnn_step_backward", batch, H, [=] __device__(int64_t b, int64_t j) {
    kernels::rnn_step_unit_backward(f, H, b, j, gates, step);
  });
}

#define RECUR_INSTANTIATE(T)                                                                      \
  template void lstm_step_forward<T>(int64_t, int64_t, T*, const T*, T*, const RnnStepIo<T>&);    \
  template void lstm_step_backward<T>(int64_t, int64_t, T*, const T*, const T*,                   \
                                      const RnnStepGrads<T>&);                                    \
  template void gru_step_forward<T>(int64_t, int64_t, T*, const T*, const RnnStepIo<T>&);         \
  template void gru_step_backward<T>(int64_t, int64_t, T*, T*, const T*, const RnnStepGrads<T>&); \
  template void rnn_step_forward<T>(int64_t, int64_t, Activation, T*, const RnnStepIo<T>&);       \
  template void rnn_step_backward<T>(int64_t, int64_t, Activation, T*, const RnnStepGrads<T>&);
RECUR_INSTANTIATE(float)
RECUR_INSTANTIATE(double)
#undef RECUR_INSTANTIATE

}  // namespace recur::cuda
