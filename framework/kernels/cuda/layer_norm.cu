#include "kernels/cuda/block_reduce.cuh"
#include "kernels/cuda/column_sums.cuh"
#include "kernels/cuda/for_each.cuh"
#include "kernels/cuda/layer_norm.h"
#include "kernels/cuda/runtime.h"
#include "kernels/layer_norm_math.h"

namespace recur::cuda {

namespace {

constexpr int kRowThreads = 256;

// One block per row.
template <class T>
__global__ void layer_norm_kernel(int64_t dim, T eps, const T* x, const T* gain, const T* bias,
                                  T* y, T* mean, T* rstd) {
  const int64_t row = blockIdx.x * dim;
  T sum = 0;
  for (int64_t i = threadIdx.x; i < dim; i += blockDim.x)
    sum += x[row + i];
  const T mu = block_sum(sum) / T(dim);
  T squares = 0;
  for (int64_t i = threadIdx.x; i < dim; i += blockDim.x)
    squares += (x[row + i] - mu) * (x[row + i] - mu);
  const T inv = kernels::layer_norm_rstd(block_sum(squares), dim, eps);
  for (int64_t i = threadIdx.x; i < dim; i += blockDim.x)
    y[row + i] = kernels::layer_norm_output(x[row + i], mu, inv, gain[i], bias[i]);
  if (threadIdx.x == 0) {
    mean[blockIdx.x] = mu;
    rstd[blockIdx.x] = inv;
  }
}

// dx of one row per block.
template <class T>
__global__ void layer_norm_dx_kernel(int64_t dim, const T* x, const T* gain, const T* mean,
                                     const T* rstd, const T* dy, T* dx) {
  const int64_t row = blockIdx.x * dim;
  const T mu = mean[blockIdx.x], inv = rstd[blockIdx.x];
  T g_sum = 0, gx_sum = 0;
  for (int64_t i = threadIdx.x; i < dim; i += blockDim.x) {
    const T g = dy[row + i] * gain[i];
    g_sum += g;
    gx_sum += g * (x[row + i] - mu) * inv;
  }
  const T g_mean = block_sum(g_sum) / T(dim), gx_mean = block_sum(gx_sum) / T(dim);
  for (int64_t i = threadIdx.x; i < dim; i += blockDim.x) {
    const T xhat = kernels::normalised(x[row + i], mu, inv);
    dx[row + i] += kernels::layer_norm_dx(dy[row + i], gain[i], xhat, inv, g_mean, gx_mean);
  }
}

}  // namespace

template <class T>
void layer_norm_forward(int64_t rows, int64_t dim, double eps, const T* x, const T* gain,
                        const T* bias, T* y, T* mean, T* rstd) {
  if (rows == 0) return;
  layer_norm_kernel<<<static_cast<unsigned int>(rows), kRowThreads, 0, compute_stream()>>>(
      dim, static_cast<T>(eps), x, gain, bias, y, mean, rstd);
  check_launch("layer_norm_kernel");
}

template <class T>
void layer_norm_backward(int64_t rows, int64_t dim, const T* x, const T* gain, const T* mean,
                         const T* rstd, const T* dy, T* dx, T* dgain, T* dbias) {
  if (rows == 0) return;
  cudaStream_t stream = compute_stream();
  if (dx) {
    layer_norm_dx_kernel<<<static_cast<unsigned int>(rows), kRowThreads, 0, stream>>>(
        dim, x, gain, mean, rstd, dy, dx);
    check_launch("layer_norm_dx_kernel");
  }
  // dgain and dbias: column sums over tiles of rows (kernels/cuda/column_sums.cuh).
  if (dgain) {
    add_column_sums(
        "layer_norm_gain_gradient", rows, dim,
        [=] __device__(int64_t r, int64_t i) {
          return dy[r * dim + i] * (x[r * dim + i] - mean[r]) * rstd[r];
        },
        dgain);
  }
  if (dbias) {
    add_column_sums(
        "layer_norm_bias_gradient", rows, dim,
        [=] __device__(int64_t r, int64_t i) { return dy[r * dim + i]; }, dbias);
  }
}

#define RECUR_INSTANTIATE(T)                                                                      \
  template void layer_norm_forward<T>(int64_t, int64_t, double, const T*, const T*, const T*, T*, \
                                      T*, T*);                                                    \
  template void layer_norm_backward<T>(int64_t, int64_t, const T*, const T*, const T*, const T*,  \
                                       const T*, T*, T*, T*);
RECUR_INSTANTIATE(float)
RECUR_INSTANTIATE(double)
#undef RECUR_INSTANTIATE

}  // namespace recur::cuda
