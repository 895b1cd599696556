#include "kernels/cuda/for_each.cuh"
#include "kernels/cuda/rnn_cells.h"
#include "kernels/cuda/runtime.h"
#include "kernels/element_math.h"

namespace recur::cuda {

namespace {

// fn(b, j) for every row b and unit j of a step: one thread per (b, j).
template <class Fn>
void for_units(const char* name, int64_t batch, int64_t hidden, Fn fn) {
  for_each(name, batch * hidden, [=] __device__(int64_t u) { fn(u / hidden, u % hidden); });
}

}  // namespace

template <class T>
void lstm_cell_forward(int64_t batch, int64_t hidden, T* gates, const T* c_prev, T* c, T* h) {
  const int64_t H = hidden;
  for_units("lstm_cell_forward", batch, H, [=] __device__(int64_t b, int64_t j) {
    T* g = gates + b * 4 * H;
    const T i = kernels::sigmoid_of(g[j]);
    const T f = kernels::sigmoid_of(g[H + j]);
    const T n = kernels::tanh_of(g[2 * H + j]);
    const T o = kernels::sigmoid_of(g[3 * H + j]);
    const T cell = f * c_prev[b * H + j] + i * n;
    g[j] = i;
    g[H + j] = f;
    g[2 * H + j] = n;
    g[3 * H + j] = o;
    c[b * H + j] = cell;
    h[b * H + j] = o * kernels::tanh_of(cell);
  });
}

template <class T>
void lstm_cell_backward(int64_t batch, int64_t hidden, T* gates, const T* c_prev, const T* c,
                        const T* dh, T* dc) {
  const int64_t H = hidden;
  for_units("lstm_cell_backward", batch, H, [=] __device__(int64_t b, int64_t j) {
    T* g = gates + b * 4 * H;
    const int64_t k = b * H + j;
    const T i = g[j], f = g[H + j], n = g[2 * H + j], o = g[3 * H + j];
    const T tc = kernels::tanh_of(c[k]);
    const T dcell = dc[k] + dh[k] * o * (T(1) - tc * tc);
    g[j] = dcell * n * i * (T(1) - i);
    g[H + j] = dcell * c_prev[k] * f * (T(1) - f);
    g[2 * H + j] = dcell * i * (T(1) - n * n);
    g[3 * H + j] = dh[k] * tc * o * (T(1) - o);
    dc[k] = dcell * f;
  });
}

template <class T>
void gru_cell_forward(int64_t batch, int64_t hidden, T* x_gates, const T* h_gates, const T* h_prev,
                      T* h) {
  const int64_t H = hidden;
  for_units("gru_cell_forward", batch, H, [=] __device__(int64_t b, int64_t j) {
    T* xg = x_gates + b * 3 * H;
    const T* hg = h_gates + b * 3 * H;
    const T r = kernels::sigmoid_of(xg[j] + hg[j]);
    const T z = kernels::sigmoid_of(xg[H + j] + hg[H + j]);
    const T n = kernels::tanh_of(xg[2 * H + j] + r * hg[2 * H + j]);
    xg[j] = r;
    xg[H + j] = z;
    xg[2 * H + j] = n;
    h[b * H + j] = (T(1) - z) * n + z * h_prev[b * H + j];
  });
}

template <class T>
void gru_cell_backward(int64_t batch, int64_t hidden, T* x_gates, T* h_gates, const T* h_prev,
                       const T* dh, T* dh_prev) {
  const int64_t H = hidden;
  for_units("gru_cell_backward", batch, H, [=] __device__(int64_t b, int64_t j) {
    T* xg = x_gates + b * 3 * H;
    T* hg = h_gates + b * 3 * H;
    const int64_t k = b * H + j;
    const T r = xg[j], z = xg[H + j], n = xg[2 * H + j];
    const T dn = dh[k] * (T(1) - z) * (T(1) - n * n);  // gradient of n's pre-activation
    const T dz = dh[k] * (h_prev[k] - n) * z * (T(1) - z);
    const T dr = dn * hg[2 * H + j] * r * (T(1) - r);
    xg[j] = dr;
    xg[H + j] = dz;
    xg[2 * H + j] = dn;
    hg[j] = dr;
    hg[H + j] = dz;
    hg[2 * H + j] = dn * r;
    dh_prev[k] = dh[k] * z;
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

}  // namespace recur::cuda
