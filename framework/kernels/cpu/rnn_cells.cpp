#include "kernels/cpu/rnn_cells.h"

#include "core/threads.h"
#include "kernels/rnn_cell_math.h"

namespace recur::cpu {

namespace {
// Rows per thread below which a step runs on one thread.
int64_t row_grain(int64_t hidden) {
  return std::max<int64_t>(1, 8192 / hidden);
}
}  // namespace

template <class T>
void lstm_step_forward(int64_t batch, int64_t hidden, T* gates, const T* c_prev, T* cell,
                       const RnnStepIo<T>& io) {
  const int64_t H = hidden;
  parallel_for(batch, row_grain(H), [=, &io](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      for (int64_t j = 0; j < H; ++j)
        kernels::lstm_step_unit(H, b, j, gates, c_prev, cell, io);
    }
  });
}

template <class T>
void lstm_step_backward(int64_t batch, int64_t hidden, T* gates, const T* c_prev, const T* cell,
                        const RnnStepGrads<T>& io) {
  const int64_t H = hidden;
  parallel_for(batch, row_grain(H), [=, &io](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      for (int64_t j = 0; j < H; ++j)
        kernels::lstm_step_unit_backward(H, b, j, gates, c_prev, cell, io);
    }
  });
}

template <class T>
void gru_step_forward(int64_t batch, int64_t hidden, T* x_gates, const T* h_gates,
                      const RnnStepIo<T>& io) {
  const int64_t H = hidden;
  parallel_for(batch, row_grain(H), [=, &io](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      for (int64_t j = 0; j < H; ++j)
        kernels::gru_step_unit(H, b, j, x_gates, h_gates, io);
    }
  });
}

template <class T>
void gru_step_backward(int64_t batch, int64_t hidden, T* x_gates, T* h_gates, const T* h_prev,
                       const RnnStepGrads<T>& io) {
  const int64_t H = hidden;
  parallel_for(batch, row_grain(H), [=, &io](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      for (int64_t j = 0; j < H; ++j)
        kernels::gru_step_unit_backward(H, b, j, x_gates, h_gates, h_prev, io);
    }
  });
}

template <class T>
void rnn_step_forward(int64_t batch, int64_t hidden, Activation f, T* gates,
                      const RnnStepIo<T>& io) {
  const int64_t H = hidden;
  parallel_for(batch, row_grain(H), [=, &io](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      for (int64_t j = 0; j < H; ++j)
        kernels::rnn_step_unit(f, H, b, j, gates, io);
    }
  });
}

template <class T>
void rnn_step_backward(int64_t batch, int64_t hidden, Activation f, T* gates,
                       const RnnStepGrads<T>& io) {
  const int64_t H = hidden;
  parallel_for(batch, row_grain(H), [=, &io](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      for (int64_t j = 0; j < H; ++j)
        kernels::rnn_step_unit_backward(f, H, b, j, gates, io);
    }
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

}  // namespace recur::cpu
