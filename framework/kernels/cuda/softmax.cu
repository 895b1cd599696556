#include <algorithm>

#include "kernels/cuda/block_reduce.cuh"
#include "kernels/cuda/for_each.cuh"
#include "kernels/cuda/runtime.h"
#include "kernels/cuda/softmax.h"
#include "kernels/softmax_math.h"

namespace recur::cuda {

namespace {

// One block per row; threads stride over the row's columns.
constexpr int kRowThreads = 256;

template <class T>
__device__ T row_max(int64_t cols, const T* x) {
  T m = x[0];
  for (int64_t i = threadIdx.x; i < cols; i += blockDim.x)
    m = x[i] > m ? x[i] : m;
  return block_max(m);
}

// sum of exp(x - shift), and y = exp(x - shift) when y is given.
template <class T>
__device__ T exp_shifted(int64_t cols, const T* x, T shift, T* y) {
  T s = 0;
  for (int64_t i = threadIdx.x; i < cols; i += blockDim.x) {
    const T e = kernels::exp_of(x[i] - shift);
    if (y) y[i] = e;
    s += e;
  }
  return block_sum(s);
}

template <class T>
__global__ void softmax_kernel(int64_t cols, const T* x, T* y) {
  const T* xr = x + blockIdx.x * cols;
  T* yr = y + blockIdx.x * cols;
  const T inv = T(1) / exp_shifted(cols, xr, row_max(cols, xr), yr);
  for (int64_t i = threadIdx.x; i < cols; i += blockDim.x)
    yr[i] *= inv;
}

template <class T>
__global__ void softmax_backward_kernel(int64_t cols, const T* y, const T* dy, T* dx) {
  const int64_t row = blockIdx.x * cols;
  T dot = 0;
  for (int64_t i = threadIdx.x; i < cols; i += blockDim.x)
    dot += dy[row + i] * y[row + i];
  dot = block_sum(dot);
  for (int64_t i = threadIdx.x; i < cols; i += blockDim.x)
    dx[row + i] += kernels::softmax_grad(y[row + i], dy[row + i], dot);
}

template <class T>
__global__ void log_softmax_kernel(int64_t cols, const T* x, T* y) {
  const T* xr = x + blockIdx.x * cols;
  T* yr = y + blockIdx.x * cols;
  const T m = row_max(cols, xr);
  const T shift = kernels::log_normaliser(m, exp_shifted(cols, xr, m, static_cast<T*>(nullptr)));
  for (int64_t i = threadIdx.x; i < cols; i += blockDim.x)
    yr[i] = xr[i] - shift;
}

template <class T>
__global__ void log_softmax_backward_kernel(int64_t cols, const T* y, const T* dy, T* dx) {
  const int64_t row = blockIdx.x * cols;
  T total = 0;
  for (int64_t i = threadIdx.x; i < cols; i += blockDim.x)
    total += dy[row + i];
  total = block_sum(total);
  for (int64_t i = threadIdx.x; i < cols; i += blockDim.x)
    dx[row + i] += kernels::log_softmax_grad(y[row + i], dy[row + i], total);
}

// probs = softmax(logits) per row; row_loss and row_nll as in the CPU kernel (0 on ignored rows).
template <class T>
__global__ void cross_entropy_kernel(int64_t cols, const T* logits, const int32_t* targets,
                                     int32_t ignore_index, double smoothing, T* probs,
                                     double* row_loss, double* row_nll) {
  const T* xr = logits + blockIdx.x * cols;
  T* pr = probs + blockIdx.x * cols;
  const T m = row_max(cols, xr);
  const T s = exp_shifted(cols, xr, m, pr);
  const T inv = T(1) / s;
  for (int64_t i = threadIdx.x; i < cols; i += blockDim.x)
    pr[i] *= inv;
  double sum_x = 0.0;
  if (smoothing > 0.0) {
    for (int64_t i = threadIdx.x; i < cols; i += blockDim.x)
      sum_x += static_cast<double>(xr[i]);
    sum_x = block_sum(sum_x);
  }
  if (threadIdx.x != 0) return;
  const int32_t target = targets[blockIdx.x];
  if (target == ignore_index) {
    row_loss[blockIdx.x] = row_nll[blockIdx.x] = 0.0;
    return;
  }
  const double log_z = kernels::log_normaliser(static_cast<double>(m), static_cast<double>(s));
  const double nll = log_z - static_cast<double>(xr[target]);
  row_loss[blockIdx.x] = kernels::smoothed_loss(nll, log_z, sum_x, cols, smoothing);
  row_nll[blockIdx.x] = nll;
}

// loss = inv_normalizer * sum(row_loss), nll = sum(row_nll), over `rows` (ignored rows hold 0):
// one block whose threads take fixed strides, so the order of additions is always the same.
template <class T>
__global__ void add_row_losses_kernel(int64_t rows, const double* row_loss, const double* row_nll,
                                      double inv_normalizer, T* loss, double* nll) {
  double loss_sum = 0.0, nll_sum = 0.0;
  for (int64_t r = threadIdx.x; r < rows; r += blockDim.x) {
    loss_sum += row_loss[r];
    nll_sum += row_nll[r];
  }
  loss_sum = block_sum(loss_sum);
  nll_sum = block_sum(nll_sum);
  if (threadIdx.x != 0) return;
  *loss = static_cast<T>(loss_sum * inv_normalizer);
  *nll = nll_sum;
}

unsigned int row_blocks(int64_t rows) {
  return static_cast<unsigned int>(rows);
}

}  // namespace

template <class T>
void softmax_forward(int64_t rows, int64_t cols, const T* x, T* y) {
  if (rows == 0) return;
  softmax_kernel<<<row_blocks(rows), kRowThreads, 0, compute_stream()>>>(cols, x, y);
  check_launch("softmax_kernel");
}

template <class T>
void softmax_backward(int64_t rows, int64_t cols, const T* y, const T* dy, T* dx) {
  if (rows == 0) return;
  softmax_backward_kernel<<<row_blocks(rows), kRowThreads, 0, compute_stream()>>>(cols, y, dy, dx);
  check_launch("softmax_backward_kernel");
}

template <class T>
void log_softmax_forward(int64_t rows, int64_t cols, const T* x, T* y) {
  if (rows == 0) return;
  log_softmax_kernel<<<row_blocks(rows), kRowThreads, 0, compute_stream()>>>(cols, x, y);
  check_launch("log_softmax_kernel");
}

template <class T>
void log_softmax_backward(int64_t rows, int64_t cols, const T* y, const T* dy, T* dx) {
  if (rows == 0) return;
  log_softmax_backward_kernel<<<row_blocks(rows), kRowThreads, 0, compute_stream()>>>(cols, y, dy,
                                                                                      dx);
  check_launch("log_softmax_backward_kernel");
}

template <class T>
void cross_entropy_forward(int64_t rows, int64_t cols, const T* logits, const int32_t* targets,
                           int32_t ignore_index, double smoothing, double inv_normalizer, T* probs,
                           T* loss, double* nll) {
  const auto n = static_cast<size_t>(std::max<int64_t>(rows, 1));
  const DeviceBuffer per_row(2 * n * sizeof(double));
  double* row_loss = per_row.as<double>();
  double* row_nll = row_loss + n;
  cudaStream_t stream = compute_stream();
  if (rows > 0) {
    cross_entropy_kernel<<<row_blocks(rows), kRowThreads, 0, stream>>>(
        cols, logits, targets, ignore_index, smoothing, probs, row_loss, row_nll);
    check_launch("cross_entropy_kernel");
  }
  add_row_losses_kernel<<<1, kRowThreads, 0, stream>>>(rows, row_loss, row_nll, inv_normalizer,
                                                       loss, nll);
  check_launch("add_row_losses_kernel");
}

template <class T>
void cross_entropy_backward(int64_t rows, int64_t cols, const T* probs, const int32_t* targets,
                            int32_t ignore_index, double smoothing, const T* dloss,
                            double inv_normalizer, T* dlogits) {
  if (rows == 0) return;
  const auto uniform = static_cast<T>(smoothing / static_cast<double>(cols));
  const auto on_target = static_cast<T>(1.0 - smoothing);
  for_each("cross_entropy_backward", rows * cols, [=] __device__(int64_t i) {
    const int32_t target = targets[i / cols];
    if (target == ignore_index) return;
    const auto scale = static_cast<T>(static_cast<double>(*dloss) * inv_normalizer);
    dlogits[i] += kernels::cross_entropy_grad(scale, probs[i], uniform);
    if (i % cols == target) dlogits[i] -= scale * on_target;
  });
}

#define RECUR_INSTANTIATE(T)                                                                   \
  template void softmax_forward<T>(int64_t, int64_t, const T*, T*);                            \
  template void softmax_backward<T>(int64_t, int64_t, const T*, const T*, T*);                 \
  template void log_softmax_forward<T>(int64_t, int64_t, const T*, T*);                        \
  template void log_softmax_backward<T>(int64_t, int64_t, const T*, const T*, T*);             \
  template void cross_entropy_forward<T>(int64_t, int64_t, const T*, const int32_t*, int32_t,  \
                                         double, double, T*, T*, double*);                     \
  template void cross_entropy_backward<T>(int64_t, int64_t, const T*, const int32_t*, int32_t, \
                                          double, const T*, double, T*);
RECUR_INSTANTIATE(float)
RECUR_INSTANTIATE(double)
#undef RECUR_INSTANTIATE

}  // namespace recur::cuda
