#include <cmath>

#include "kernels/attention_masks.h"
#include "kernels/cuda/blas.h"
#include "kernels/cuda/block_reduce.cuh"
#include "kernels/cuda/multi_head_attention.h"
#include "kernels/cuda/runtime.h"
#include "kernels/softmax_math.h"

namespace recur::cuda {

namespace {

constexpr int kRowThreads = 128;

// One block per row (b, h, i) of probs (B, H, Tq, Tk): softmax over the visible keys, zeros
// after them.
template <class T>
__global__ void masked_softmax_kernel(MultiHeadDims d, const int32_t* key_lengths, T* probs) {
  const int64_t row = blockIdx.x, i = row % d.queries, b = row / (d.queries * d.heads);
  const int64_t visible = kernels::visible_keys(d, key_lengths[b], i);
  T* p = probs + row * d.keys;
  T max = p[0];
  for (int64_t j = threadIdx.x; j < visible; j += blockDim.x)
    max = p[j] > max ? p[j] : max;
  max = block_max(max);
  T total = 0;
  for (int64_t j = threadIdx.x; j < visible; j += blockDim.x) {
    p[j] = kernels::exp_of(p[j] - max);
    total += p[j];
  }
  const T inv = T(1) / block_sum(total);
  for (int64_t j = threadIdx.x; j < d.keys; j += blockDim.x)
    p[j] = j < visible ? p[j] * inv : T(0);
}

// ds = p (ds - <ds, p>) * scale, row by row.
template <class T>
__global__ void softmax_backward_kernel(int64_t keys, const T* probs, T scale, T* ds) {
  const int64_t row = static_cast<int64_t>(blockIdx.x) * keys;
  T weighted = 0;
  for (int64_t j = threadIdx.x; j < keys; j += blockDim.x)
    weighted += probs[row + j] * ds[row + j];
  weighted = block_sum(weighted);
  for (int64_t j = threadIdx.x; j < keys; j += blockDim.x)
    ds[row + j] = kernels::softmax_grad(probs[row + j], ds[row + j], weighted) * scale;
}

template <class T>
T scale_of(const MultiHeadDims& d) {
  return T(1) / std::sqrt(T(d.key_dim));
}

unsigned int probability_rows(const MultiHeadDims& d) {
  return static_cast<unsigned int>(d.batch * d.heads * d.queries);
}

}  // namespace

template <class T>
void multi_head_attention_forward(const MultiHeadDims& d, const T* q, const T* k, const T* v,
                                  const int32_t* key_lengths, T* probs, T* out) {
  if (d.batch * d.heads * d.queries == 0) return;
  const int64_t Tq = d.queries, Tk = d.keys, H = d.heads, Dk = d.key_dim, Dv = d.value_dim;
  const int64_t qk_stride = H * Dk, v_stride = H * Dv;
  // Scores of head h for every sequence b: probs[b, h] (Tq, Tk) = q[b, :, h] k[b, :, h]^T.
  for (int64_t h = 0; h < H; ++h) {
    gemm_strided_batched<T>(false, true, Tq, Tk, Dk, scale_of<T>(d), q + h * Dk, qk_stride,
                            Tq * qk_stride, k + h * Dk, qk_stride, Tk * qk_stride, T(0),
                            probs + h * Tq * Tk, Tk, H * Tq * Tk, d.batch);
  }
  masked_softmax_kernel<<<probability_rows(d), kRowThreads, 0, compute_stream()>>>(d, key_lengths,
                                                                                   probs);
  check_launch("masked_softmax_kernel");
  for (int64_t h = 0; h < H; ++h) {
    gemm_strided_batched<T>(false, false, Tq, Dv, Tk, T(1), probs + h * Tq * Tk, Tk, H * Tq * Tk,
                            v + h * Dv, v_stride, Tk * v_stride, T(0), out + h * Dv, v_stride,
                            Tq * v_stride, d.batch);
  }
}

template <class T>
void multi_head_attention_backward(const MultiHeadDims& d, const T* q, const T* k, const T* v,
                                   const T* probs, const T* dout, T* dq, T* dk, T* dv) {
  if (d.batch * d.heads * d.queries == 0) return;
  const int64_t Tq = d.queries, Tk = d.keys, H = d.heads, Dk = d.key_dim, Dv = d.value_dim;
  const int64_t qk_stride = H * Dk, v_stride = H * Dv, p_stride = H * Tq * Tk;
  if (dv) {
    for (int64_t h = 0; h < H; ++h) {
      gemm_strided_batched<T>(true, false, Tk, Dv, Tq, T(1), probs + h * Tq * Tk, Tk, p_stride,
                              dout + h * Dv, v_stride, Tq * v_stride, T(1), dv + h * Dv, v_stride,
                              Tk * v_stride, d.batch);
    }
  }
  if (!dq && !dk) return;
  // dprobs = dout v^T, then through the softmax.
  const DeviceBuffer scratch(static_cast<size_t>(d.batch * p_stride) * sizeof(T));
  T* ds = scratch.as<T>();  // (B, H, Tq, Tk)
  for (int64_t h = 0; h < H; ++h) {
    gemm_strided_batched<T>(false, true, Tq, Tk, Dv, T(1), dout + h * Dv, v_stride, Tq * v_stride,
                            v + h * Dv, v_stride, Tk * v_stride, T(0), ds + h * Tq * Tk, Tk,
                            p_stride, d.batch);
  }
  softmax_backward_kernel<<<probability_rows(d), kRowThreads, 0, compute_stream()>>>(
      Tk, probs, scale_of<T>(d), ds);
  check_launch("softmax_backward_kernel");
  for (int64_t h = 0; h < H; ++h) {
    if (dq) {
      gemm_strided_batched<T>(false, false, Tq, Dk, Tk, T(1), ds + h * Tq * Tk, Tk, p_stride,
                              k + h * Dk, qk_stride, Tk * qk_stride, T(1), dq + h * Dk, qk_stride,
                              Tq * qk_stride, d.batch);
    }
    if (dk) {
      gemm_strided_batched<T>(true, false, Tk, Dk, Tq, T(1), ds + h * Tq * Tk, Tk, p_stride,
                              q + h * Dk, qk_stride, Tq * qk_stride, T(1), dk + h * Dk, qk_stride,
                              Tk * qk_stride, d.batch);
    }
  }
}

#define RECUR_INSTANTIATE(T)                                                               \
  template void multi_head_attention_forward<T>(const MultiHeadDims&, const T*, const T*,  \
                                                const T*, const int32_t*, T*, T*);         \
  template void multi_head_attention_backward<T>(const MultiHeadDims&, const T*, const T*, \
                                                 const T*, const T*, const T*, T*, T*, T*);
RECUR_INSTANTIATE(float)
RECUR_INSTANTIATE(double)
#undef RECUR_INSTANTIATE

}  // namespace recur::cuda
