#include "kernels/attention_window_math.h"
#include "kernels/cuda/attention.h"
#include "kernels/cuda/block_reduce.cuh"
#include "kernels/cuda/column_sums.cuh"
#include "kernels/cuda/runtime.h"
#include "kernels/softmax_math.h"

namespace recur::cuda {

namespace {

constexpr int kRowThreads = 128;

__device__ int64_t source_length(const AttentionDims& d, const int32_t* lengths, int64_t b) {
  const int64_t len = lengths[b];
  return len < 1 ? 1 : (len > d.source ? d.source : len);
}

// score of source position s for row b, reduced over the block.
template <class T>
__device__ T score_of(AttentionScore score, int64_t D, const T* q, const T* k, const T* v) {
  T s = 0;
  for (int64_t i = threadIdx.x; i < D; i += blockDim.x)
    s += score == AttentionScore::Dot ? q[i] * k[i] : v[i] * kernels::tanh_of(q[i] + k[i]);
  return block_sum(s);
}

// One block per batch row: weights (S) and context (E), over the row's span.
template <class T>
__global__ void attention_kernel(AttentionScore score, AttentionDims d, const T* query,
                                 const T* keys, const T* values, const int32_t* lengths, const T* v,
                                 AttentionWindow<T> window, T* weights, T* context) {
  const int64_t b = blockIdx.x, S = d.source, D = d.key, E = d.value;
  const kernels::AttentionSpan span =
      kernels::attention_span(window, b, source_length(d, lengths, b));
  T* w = weights + b * S;
  T max = T(-1e30);
  for (int64_t s = span.first; s < span.end; ++s) {
    const T value = score_of(score, D, query + b * D, keys + (b * S + s) * D, v);
    if (threadIdx.x == 0) w[s] = value;
    max = value > max ? value : max;
  }
  __syncthreads();
  T total = 0;
  for (int64_t s = span.first; s < span.end; ++s)
    total += kernels::exp_of(w[s] - max);
  const T inv = T(1) / total;
  __syncthreads();  // every thread has read the scores before they become weights
  for (int64_t s = threadIdx.x; s < S; s += blockDim.x) {
    const bool in_span = s >= span.first && s < span.end;
    w[s] =
        in_span ? kernels::exp_of(w[s] - max) * inv * kernels::window_factor(window, b, s) : T(0);
  }
  __syncthreads();
  for (int64_t e = threadIdx.x; e < E; e += blockDim.x) {
    T c = 0;
    for (int64_t s = span.first; s < span.end; ++s)
      c += w[s] * values[(b * S + s) * E + e];
    context[b * E + e] = c;
  }
}

// One block per batch row. dscore (B, S) is scratch; dv_rows (B, D), when given, receives the
// row's part of dv (added over rows in order by another kernel).
template <class T>
__global__ void attention_backward_kernel(AttentionScore score, AttentionDims d, const T* query,
                                          const T* keys, const T* values, const int32_t* lengths,
                                          const T* v, AttentionWindow<T> window, const T* weights,
                                          const T* dcontext, T* dquery, T* dkeys, T* dvalues,
                                          T* dscore, T* dv_rows, T* dcenter) {
  const int64_t b = blockIdx.x, S = d.source, D = d.key, E = d.value;
  const kernels::AttentionSpan span =
      kernels::attention_span(window, b, source_length(d, lengths, b));
  const T* w = weights + b * S;
  const T* dc = dcontext + b * E;
  T* g = dscore + b * S;
  // d weights, then through the Gaussian (to the centre) and the softmax: weight = softmax *
  // factor.
  T weighted = 0, dp = 0;
  for (int64_t s = span.first; s < span.end; ++s) {
    const T* val = values + (b * S + s) * E;
    T dot = 0;
    for (int64_t e = threadIdx.x; e < E; e += blockDim.x)
      dot += dc[e] * val[e];
    dot = block_sum(dot);
    const T factor = kernels::window_factor(window, b, s);
    weighted += w[s] * dot;  // = softmax * (dot * factor)
    if (window.center != nullptr) dp += dot * w[s] * kernels::window_center_slope(window, b, s);
    if (threadIdx.x == 0) g[s] = dot * factor;
    if (dvalues) {
      for (int64_t e = threadIdx.x; e < E; e += blockDim.x)
        dvalues[(b * S + s) * E + e] += w[s] * dc[e];
    }
  }
  __syncthreads();
  for (int64_t s = span.first + threadIdx.x; s < span.end; s += blockDim.x)
    g[s] = kernels::softmax_grad(w[s] / kernels::window_factor(window, b, s), g[s], weighted);
  if (dcenter != nullptr && threadIdx.x == 0) dcenter[b] += dp;
  __syncthreads();
  const T* q = query + b * D;
  for (int64_t i = threadIdx.x; i < D; i += blockDim.x) {
    T dq = 0, dvi = 0;
    for (int64_t s = span.first; s < span.end; ++s) {
      const T k = keys[(b * S + s) * D + i];
      T gi;
      if (score == AttentionScore::Dot) {
        dq += g[s] * k;
        gi = g[s] * q[i];
      } else {
        const T th = kernels::tanh_of(q[i] + k);
        gi = kernels::tanh_grad(th, g[s] * v[i]);
        dq += gi;
        dvi += g[s] * th;
      }
      if (dkeys) dkeys[(b * S + s) * D + i] += gi;
    }
    if (dquery) dquery[b * D + i] += dq;
    if (dv_rows) dv_rows[b * D + i] = dvi;
  }
}

}  // namespace

template <class T>
void attention_forward(AttentionScore score, const AttentionDims& d, const T* query, const T* keys,
                       const T* values, const int32_t* lengths, const T* v,
                       const AttentionWindow<T>& window, T* weights, T* context) {
  if (d.batch == 0) return;
  attention_kernel<<<static_cast<unsigned int>(d.batch), kRowThreads, 0, compute_stream()>>>(
      score, d, query, keys, values, lengths, v, window, weights, context);
  check_launch("attention_kernel");
}

template <class T>
void attention_backward(AttentionScore score, const AttentionDims& d, const T* query, const T* keys,
                        const T* values, const int32_t* lengths, const T* v,
                        const AttentionWindow<T>& window, const T* weights, const T* dcontext,
                        T* dquery, T* dkeys, T* dvalues, T* dv, T* dcenter) {
  if (d.batch == 0) return;
  const bool with_dv = dv && score == AttentionScore::Additive;
  const DeviceBuffer scratch(static_cast<size_t>(d.batch * (d.source + d.key)) * sizeof(T));
  T* dscore = scratch.as<T>();
  T* dv_rows = with_dv ? dscore + d.batch * d.source : nullptr;
  cudaStream_t stream = compute_stream();
  attention_backward_kernel<<<static_cast<unsigned int>(d.batch), kRowThreads, 0, stream>>>(
      score, d, query, keys, values, lengths, v, window, weights, dcontext, dquery, dkeys, dvalues,
      dscore, dv_rows, dcenter);
  check_launch("attention_backward_kernel");
  if (!with_dv) return;
  // dv += the column sums of dv_rows (batch, key), over fixed tiles of rows.
  const int64_t cols = d.key;
  add_column_sums(
      "attention_dv", d.batch, cols,
      [=] __device__(int64_t r, int64_t i) { return dv_rows[r * cols + i]; }, dv);
}

#define RECUR_INSTANTIATE(T)                                                                   \
  template void attention_forward<T>(AttentionScore, const AttentionDims&, const T*, const T*, \
                                     const T*, const int32_t*, const T*,                       \
                                     const AttentionWindow<T>&, T*, T*);                       \
  template void attention_backward<T>(                                                         \
      AttentionScore, const AttentionDims&, const T*, const T*, const T*, const int32_t*,      \
      const T*, const AttentionWindow<T>&, const T*, const T*, T*, T*, T*, T*, T*);
RECUR_INSTANTIATE(float)
RECUR_INSTANTIATE(double)
#undef RECUR_INSTANTIATE

}  // namespace recur::cuda
