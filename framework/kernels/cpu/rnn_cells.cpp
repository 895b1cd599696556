#include "kernels/cpu/rnn_cells.h"

#include "core/threads.h"
#include "kernels/element_math.h"

namespace recur::cpu {

namespace {
// Rows per thread below which a step runs on one thread.
int64_t row_grain(int64_t hidden) {
  return std::max<int64_t>(1, 8192 / hidden);
}
}  // namespace

template <class T>
void lstm_cell_forward(int64_t batch, int64_t hidden, T* gates, const T* c_prev, T* c, T* h) {
  const int64_t H = hidden;
  parallel_for(batch, row_grain(H), [=](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      T* g = gates + b * 4 * H;
      const T* cp = c_prev + b * H;
      T* cb = c + b * H;
      T* hb = h + b * H;
      for (int64_t j = 0; j < H; ++j) {
        T i = kernels::sigmoid_of(g[j]);
        T f = kernels::sigmoid_of(g[H + j]);
        T n = kernels::tanh_of(g[2 * H + j]);
        T o = kernels::sigmoid_of(g[3 * H + j]);
        T cell = f * cp[j] + i * n;
        g[j] = i;
        g[H + j] = f;
        g[2 * H + j] = n;
        g[3 * H + j] = o;
        cb[j] = cell;
        hb[j] = o * kernels::tanh_of(cell);
      }
    }
  });
}

template <class T>
void lstm_cell_backward(int64_t batch, int64_t hidden, T* gates, const T* c_prev, const T* c,
                        const T* dh, T* dc) {
  const int64_t H = hidden;
  parallel_for(batch, row_grain(H), [=](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      T* g = gates + b * 4 * H;
      const T* cp = c_prev + b * H;
      const T* cb = c + b * H;
      const T* dhb = dh + b * H;
      T* dcb = dc + b * H;
      for (int64_t j = 0; j < H; ++j) {
        T i = g[j], f = g[H + j], n = g[2 * H + j], o = g[3 * H + j];
        T tc = kernels::tanh_of(cb[j]);
        T dcell = dcb[j] + dhb[j] * o * (T(1) - tc * tc);
        g[j] = dcell * n * i * (T(1) - i);
        g[H + j] = dcell * cp[j] * f * (T(1) - f);
        g[2 * H + j] = dcell * i * (T(1) - n * n);
        g[3 * H + j] = dhb[j] * tc * o * (T(1) - o);
        dcb[j] = dcell * f;
      }
    }
  });
}

template <class T>
void gru_cell_forward(int64_t batch, int64_t hidden, T* x_gates, const T* h_gates, const T* h_prev,
                      T* h) {
  const int64_t H = hidden;
  parallel_for(batch, row_grain(H), [=](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      T* xg = x_gates + b * 3 * H;
      const T* hg = h_gates + b * 3 * H;
      const T* hp = h_prev + b * H;
      T* hb = h + b * H;
      for (int64_t j = 0; j < H; ++j) {
        T r = kernels::sigmoid_of(xg[j] + hg[j]);
        T z = kernels::sigmoid_of(xg[H + j] + hg[H + j]);
        T n = kernels::tanh_of(xg[2 * H + j] + r * hg[2 * H + j]);
        xg[j] = r;
        xg[H + j] = z;
        xg[2 * H + j] = n;
        hb[j] = (T(1) - z) * n + z * hp[j];
      }
    }
  });
}

template <class T>
void gru_cell_backward(int64_t batch, int64_t hidden, T* x_gates, T* h_gates, const T* h_prev,
                       const T* dh, T* dh_prev) {
  const int64_t H = hidden;
  parallel_for(batch, row_grain(H), [=](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      T* xg = x_gates + b * 3 * H;
      T* hg = h_gates + b * 3 * H;
      const T* hp = h_prev + b * H;
      const T* dhb = dh + b * H;
      T* dpb = dh_prev + b * H;
      for (int64_t j = 0; j < H; ++j) {
        T r = xg[j], z = xg[H + j], n = xg[2 * H + j];
        T dn = dhb[j] * (T(1) - z) * (T(1) - n * n);  // gradient of n's pre-activation
        T dz = dhb[j] * (hp[j] - n) * z * (T(1) - z);
        T dr = dn * hg[2 * H + j] * r * (T(1) - r);
        xg[j] = dr;
        xg[H + j] = dz;
        xg[2 * H + j] = dn;
        hg[j] = dr;
        hg[H + j] = dz;
        hg[2 * H + j] = dn * r;
        dpb[j] = dhb[j] * z;
      }
    }
  });
}

#define RECUR_INSTANTIATE(T)                                                                   \
  template void lstm_cell_forward<T>(int64_t, int64_t, T*, const T*, T*, T*);                  \
  template void lstm_cell_backward<T>(int64_t, int64_t, T*, const T*, const T*, const T*, T*); \
  template void gru_cell_forward<T>(int64_t, int64_t, T*, const T*, const T*, T*);             \
  template void gru_cell_backward<T>(int64_t, int64_t, T*, T*, const T*, const T*, T*);
RECUR_INSTANTIATE(float)
RECUR_INSTANTIATE(double)
#undef RECUR_INSTANTIATE

}  // namespace recur::cpu
