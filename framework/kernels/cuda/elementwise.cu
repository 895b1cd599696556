#include "kernels/cuda/block_reduce.cuh"
#include "kernels/cuda/column_sums.cuh"
#include "kernels/cuda/elementwise.h"
#include "kernels/cuda/for_each.cuh"
#include "kernels/cuda/runtime.h"
#include "kernels/element_math.h"

namespace recur::cuda {

namespace {

// Fixed grid of the deterministic sums: every run adds the same partials in the same order.
constexpr unsigned int kSumBlocks = 256;

// partial[block] = sum of term(x[i]) over the block's grid-stride share.
template <class T, class Term>
__global__ void partial_sums_kernel(int64_t n, const T* x, Term term, double* partial) {
  double s = 0.0;
  const int64_t stride = static_cast<int64_t>(blockDim.x) * gridDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride)
    s += term(x[i]);
  s = block_sum(s);
  if (threadIdx.x == 0) partial[blockIdx.x] = s;
}

// *out = factor * (the partials added in order), converted to Out.
template <class Out>
__global__ void add_partials_kernel(const double* partial, unsigned int count, double factor,
                                    Out* out) {
  double s = 0.0;
  for (unsigned int b = 0; b < count; ++b)
    s += partial[b];
  *out = static_cast<Out>(factor * s);
}

// The result stays on the device: the host never waits for it.
template <class T, class Term, class Out>
void deterministic_sum(int64_t n, const T* x, Term term, double factor, Out* out) {
  const DeviceBuffer scratch(kSumBlocks * sizeof(double));
  double* partial = scratch.as<double>();
  cudaStream_t stream = compute_stream();
  partial_sums_kernel<<<kSumBlocks, kThreads, 0, stream>>>(n, x, term, partial);
  check_launch("partial_sums_kernel");
  add_partials_kernel<<<1, 1, 0, stream>>>(partial, kSumBlocks, factor, out);
  check_launch("add_partials_kernel");
}

}  // namespace

template <class T>
void add(int64_t n, const T* a, const T* b, T* out) {
  for_each("add", n, [=] __device__(int64_t i) { out[i] = a[i] + b[i]; });
}

template <class T>
void mul(int64_t n, const T* a, const T* b, T* out) {
  for_each("mul", n, [=] __device__(int64_t i) { out[i] = a[i] * b[i]; });
}

template <class T>
void axpy(int64_t n, T alpha, const T* x, T* y) {
  for_each("axpy", n, [=] __device__(int64_t i) { y[i] += alpha * x[i]; });
}

template <class T>
void mul_accumulate(int64_t n, const T* a, const T* b, T* out) {
  for_each("mul_accumulate", n, [=] __device__(int64_t i) { out[i] += a[i] * b[i]; });
}

template <class T>
void scale(int64_t n, T alpha, T* x) {
  for_each("scale", n, [=] __device__(int64_t i) { x[i] *= alpha; });
}

template <class T>
void add_scalar(int64_t n, const T* alpha, double factor, T* x) {
  for_each("add_scalar", n, [=] __device__(int64_t i) {
    x[i] += static_cast<T>(static_cast<double>(*alpha) * factor);
  });
}

template <class T>
void copy(int64_t n, const T* x, T* out) {
  if (n <= 0) return;
  check(cudaMemcpyAsync(out, x, static_cast<size_t>(n) * sizeof(T), cudaMemcpyDeviceToDevice,
                        compute_stream()),
        "cudaMemcpyAsync on the device");
}

template <class T>
void add_bias(int64_t rows, int64_t cols, const T* bias, T* x) {
  for_each("add_bias", rows * cols, [=] __device__(int64_t i) { x[i] += bias[i % cols]; });
}

template <class T>
void sum_rows_accumulate(int64_t rows, int64_t cols, const T* x, T* out) {
  add_column_sums(
      "sum_rows_accumulate", rows, cols,
      [=] __device__(int64_t r, int64_t c) { return x[r * cols + c]; }, out);
}

template <class T>
void scale_rows(int64_t rows, int64_t cols, const T* x, const T* row_scale, T* out) {
  for_each("scale_rows", rows * cols,
           [=] __device__(int64_t i) { out[i] = x[i] * row_scale[i / cols]; });
}

template <class T>
void copy_rows(int64_t rows, int64_t cols, const T* src, int64_t src_stride, T* dst,
               int64_t dst_stride, bool accumulate) {
  for_each("copy_rows", rows * cols, [=] __device__(int64_t i) {
    const int64_t r = i / cols, c = i % cols;
    const T v = src[r * src_stride + c];
    T& out = dst[r * dst_stride + c];
    out = accumulate ? out + v : v;
  });
}

template <class T>
void broadcast_rows(int64_t rows, int64_t cols, const T* row, T* out) {
  for_each("broadcast_rows", rows * cols, [=] __device__(int64_t i) { out[i] = row[i % cols]; });
}

template <class T>
void activation_forward(Activation f, int64_t n, const T* x, T* y) {
  switch (f) {
    case Activation::Sigmoid:
      for_each("sigmoid", n, [=] __device__(int64_t i) { y[i] = kernels::sigmoid_of(x[i]); });
      break;
    case Activation::Tanh:
      for_each("tanh", n, [=] __device__(int64_t i) { y[i] = kernels::tanh_of(x[i]); });
      break;
    case Activation::Relu:
      for_each("relu", n, [=] __device__(int64_t i) { y[i] = kernels::relu_of(x[i]); });
      break;
  }
}

template <class T>
void activation_backward(Activation f, int64_t n, const T* y, const T* dy, T* dx) {
  switch (f) {
    case Activation::Sigmoid:
      for_each("sigmoid_backward", n,
               [=] __device__(int64_t i) { dx[i] += kernels::sigmoid_grad(y[i], dy[i]); });
      break;
    case Activation::Tanh:
      for_each("tanh_backward", n,
               [=] __device__(int64_t i) { dx[i] += kernels::tanh_grad(y[i], dy[i]); });
      break;
    case Activation::Relu:
      for_each("relu_backward", n,
               [=] __device__(int64_t i) { dx[i] += kernels::relu_grad(y[i], dy[i]); });
      break;
  }
}

template <class T>
void sum(int64_t n, const T* x, double factor, T* out) {
  deterministic_sum(
      n, x, [] __device__(T v) { return static_cast<double>(v); }, factor, out);
}

template <class T>
void sum_squares(int64_t n, const T* x, double* out) {
  deterministic_sum(
      n, x, [] __device__(T v) { return static_cast<double>(v) * static_cast<double>(v); }, 1.0,
      out);
}

void fill(DType dtype, void* data, int64_t n, double value) {
  switch (dtype) {
    case DType::F32: {
      float* p = static_cast<float*>(data);
      const auto v = static_cast<float>(value);
      for_each("fill", n, [=] __device__(int64_t i) { p[i] = v; });
      break;
    }
    case DType::F64: {
      double* p = static_cast<double*>(data);
      for_each("fill", n, [=] __device__(int64_t i) { p[i] = value; });
      break;
    }
    case DType::I32: {
      int32_t* p = static_cast<int32_t*>(data);
      const auto v = static_cast<int32_t>(value);
      for_each("fill", n, [=] __device__(int64_t i) { p[i] = v; });
      break;
    }
  }
}

#define RECUR_INSTANTIATE(T)                                                          \
  template void add<T>(int64_t, const T*, const T*, T*);                              \
  template void mul<T>(int64_t, const T*, const T*, T*);                              \
  template void axpy<T>(int64_t, T, const T*, T*);                                    \
  template void mul_accumulate<T>(int64_t, const T*, const T*, T*);                   \
  template void scale<T>(int64_t, T, T*);                                             \
  template void add_scalar<T>(int64_t, const T*, double, T*);                         \
  template void copy<T>(int64_t, const T*, T*);                                       \
  template void add_bias<T>(int64_t, int64_t, const T*, T*);                          \
  template void sum_rows_accumulate<T>(int64_t, int64_t, const T*, T*);               \
  template void scale_rows<T>(int64_t, int64_t, const T*, const T*, T*);              \
  template void copy_rows<T>(int64_t, int64_t, const T*, int64_t, T*, int64_t, bool); \
  template void broadcast_rows<T>(int64_t, int64_t, const T*, T*);                    \
  template void activation_forward<T>(Activation, int64_t, const T*, T*);             \
  template void activation_backward<T>(Activation, int64_t, const T*, const T*, T*);  \
  template void sum<T>(int64_t, const T*, double, T*);                                \
  template void sum_squares<T>(int64_t, const T*, double*);
RECUR_INSTANTIATE(float)
RECUR_INSTANTIATE(double)
#undef RECUR_INSTANTIATE

}  // namespace recur::cuda
