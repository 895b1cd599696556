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

// The (sequence, head) grid of matrices in q and k (B, T, H*Dk), v and out (B, T, H*Dv) and the
// probabilities (B, H, Tq, Tk): each GEMM below is one call over all sequences and heads.
struct HeadGrid {
  GridStrides queries, keys, values, outputs, probs;
  int64_t qk_ld, v_ld;
};

HeadGrid head_grid(const MultiHeadDims& d) {
  const int64_t Tq = d.queries, Tk = d.keys, H = d.heads, Dk = d.key_dim, Dv = d.value_dim;
  return {{Tq * H * Dk, Dk},
          {Tk * H * Dk, Dk},
          {Tk * H * Dv, Dv},
          {Tq * H * Dv, Dv},
          {H * Tq * Tk, Tq * Tk},
          H * Dk,
          H * Dv};
}

}  // namespace

template <class T>
void multi_head_attention_forward(const MultiHeadDims& d, const T* q, const T* k, const T* v,
                                  const int32_t* key_lengths, T* probs, T* out) {
  if (d.batch * d.heads * d.queries == 0) return;
  const int64_t Tq = d.queries, Tk = d.keys, B = d.batch, H = d.heads;
  const HeadGrid g = head_grid(d);
  // probs[b, h] (Tq, Tk) = q[b, :, h] k[b, :, h]^T / sqrt(Dk)
  gemm_grid_batched<T>(false, true, Tq, Tk, d.key_dim, scale_of<T>(d), q, g.qk_ld, g.queries, k,
                       g.qk_ld, g.keys, T(0), probs, Tk, g.probs, B, H);
  masked_softmax_kernel<<<probability_rows(d), kRowThreads, 0, compute_stream()>>>(d, key_lengths,
                                                                                   probs);
  check_launch("masked_softmax_kernel");
  // out[b, :, h] (Tq, Dv) = probs[b, h] v[b, :, h]
  gemm_grid_batched<T>(false, false, Tq, d.value_dim, Tk, T(1), probs, Tk, g.probs, v, g.v_ld,
                       g.values, T(0), out, g.v_ld, g.outputs, B, H);
}

template <class T>
void multi_head_attention_backward(const MultiHeadDims& d, const T* q, const T* k, const T* v,
                                   const T* probs, const T* dout, T* dq, T* dk, T* dv) {
  if (d.batch * d.heads * d.queries == 0) return;
  const int64_t Tq = d.queries, Tk = d.keys, B = d.batch, H = d.heads;
  const int64_t Dk = d.key_dim, Dv = d.value_dim;
  const HeadGrid g = head_grid(d);
  // dv[b, :, h] (Tk, Dv) += probs[b, h]^T dout[b, :, h]
  if (dv) {
    gemm_grid_batched<T>(true, false, Tk, Dv, Tq, T(1), probs, Tk, g.probs, dout, g.v_ld, g.outputs,
                         T(1), dv, g.v_ld, g.values, B, H);
  }
  if (!dq && !dk) return;
  // dprobs = dout v^T, then through the softmax.
  const DeviceBuffer scratch(static_cast<size_t>(B * H * Tq * Tk) * sizeof(T));
  T* ds = scratch.as<T>();  // (B, H, Tq, Tk)
  gemm_grid_batched<T>(false, true, Tq, Tk, Dv, T(1), dout, g.v_ld, g.outputs, v, g.v_ld, g.values,
                       T(0), ds, Tk, g.probs, B, H);
  softmax_backward_kernel<<<probability_rows(d), kRowThreads, 0, compute_stream()>>>(
      Tk, probs, scale_of<T>(d), ds);
  check_launch("softmax_backward_kernel");
  // dq[b, :, h] (Tq, Dk) += ds[b, h] k[b, :, h]; dk[b, :, h] (Tk, Dk) += ds[b, h]^T q[b, :, h]
  if (dq) {
    gemm_grid_batched<T>(false, false, Tq, Dk, Tk, T(1), ds, Tk, g.probs, k, g.qk_ld, g.keys, T(1),
                         dq, g.qk_ld, g.queries, B, H);
  }
  if (dk) {
    gemm_grid_batched<T>(true, false, Tk, Dk, Tq, T(1), ds, Tk, g.probs, q, g.qk_ld, g.queries,
                         T(1), dk, g.qk_ld, g.keys, B, H);
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
