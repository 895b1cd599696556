#include "kernels/cpu/multi_head_attention.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/threads.h"
#include "kernels/attention_masks.h"
#include "kernels/cpu/blas.h"
#include "kernels/softmax_math.h"

namespace recur::cpu {

namespace {

// (sequence, head) blocks per thread: a block is Tq x Tk x (Dk + Dv) multiply-adds.
int64_t grain(const MultiHeadDims& d) {
  const int64_t work = d.queries * d.keys * (d.key_dim + d.value_dim);
  return std::max<int64_t>(1, 32768 / std::max<int64_t>(1, work));
}

template <class T>
T scale_of(const MultiHeadDims& d) {
  return T(1) / std::sqrt(T(d.key_dim));
}

// Softmax of row[0, visible) in place; the rest of the row becomes zero.
template <class T>
void masked_softmax(int64_t length, int64_t visible, T* row) {
  T max = row[0];
  for (int64_t j = 1; j < visible; ++j)
    max = std::max(max, row[j]);
  T total = 0;
  for (int64_t j = 0; j < visible; ++j) {
    row[j] = kernels::exp_of(row[j] - max);
    total += row[j];
  }
  const T inv = T(1) / total;
  for (int64_t j = 0; j < visible; ++j)
    row[j] *= inv;
  std::fill(row + visible, row + length, T(0));
}

}  // namespace

template <class T>
void multi_head_attention_forward(const MultiHeadDims& d, const T* q, const T* k, const T* v,
                                  const int32_t* key_lengths, T* probs, T* out) {
  const int64_t Tq = d.queries, Tk = d.keys, H = d.heads, Dk = d.key_dim, Dv = d.value_dim;
  const int64_t qk_stride = H * Dk, v_stride = H * Dv;
  parallel_for(d.batch * H, grain(d), [&](int64_t begin, int64_t end) {
    for (int64_t bh = begin; bh < end; ++bh) {
      const int64_t b = bh / H, h = bh % H;
      const T* qb = q + b * Tq * qk_stride + h * Dk;  // (Tq, Dk), stride H*Dk
      const T* kb = k + b * Tk * qk_stride + h * Dk;  // (Tk, Dk), stride H*Dk
      const T* vb = v + b * Tk * v_stride + h * Dv;   // (Tk, Dv), stride H*Dv
      T* p = probs + bh * Tq * Tk;                    // (Tq, Tk)
      gemm<T>(false, true, Tq, Tk, Dk, scale_of<T>(d), qb, qk_stride, kb, qk_stride, T(0), p, Tk);
      for (int64_t i = 0; i < Tq; ++i)
        masked_softmax(Tk, kernels::visible_keys(d, key_lengths[b], i), p + i * Tk);
      gemm<T>(false, false, Tq, Dv, Tk, T(1), p, Tk, vb, v_stride, T(0),
              out + b * Tq * v_stride + h * Dv, v_stride);
    }
  });
}

template <class T>
void multi_head_attention_backward(const MultiHeadDims& d, const T* q, const T* k, const T* v,
                                   const T* probs, const T* dout, T* dq, T* dk, T* dv) {
  const int64_t Tq = d.queries, Tk = d.keys, H = d.heads, Dk = d.key_dim, Dv = d.value_dim;
  const int64_t qk_stride = H * Dk, v_stride = H * Dv;
  const T scale = scale_of<T>(d);
  parallel_for(d.batch * H, grain(d), [&](int64_t begin, int64_t end) {
    std::vector<T> dscores(static_cast<size_t>(Tq * Tk));  // (Tq, Tk)
    for (int64_t bh = begin; bh < end; ++bh) {
      const int64_t b = bh / H, h = bh % H;
      const int64_t qk_offset = h * Dk, v_offset = h * Dv;
      const T* p = probs + bh * Tq * Tk;
      const T* dob = dout + b * Tq * v_stride + v_offset;  // (Tq, Dv), stride H*Dv
      if (dv) {
        gemm<T>(true, false, Tk, Dv, Tq, T(1), p, Tk, dob, v_stride, T(1),
                dv + b * Tk * v_stride + v_offset, v_stride);
      }
      if (!dq && !dk) continue;
      // dprobs = dout v^T, then through the softmax: dscore = p (dprobs - <dprobs, p>) / sqrt(Dk).
      T* ds = dscores.data();
      gemm<T>(false, true, Tq, Tk, Dv, T(1), dob, v_stride, v + b * Tk * v_stride + v_offset,
              v_stride, T(0), ds, Tk);
      for (int64_t i = 0; i < Tq; ++i) {
        const T* pi = p + i * Tk;
        T* dsi = ds + i * Tk;
        T weighted = 0;
#pragma omp simd reduction(+ : weighted)
        for (int64_t j = 0; j < Tk; ++j)
          weighted += pi[j] * dsi[j];
#pragma omp simd
        for (int64_t j = 0; j < Tk; ++j)
          dsi[j] = kernels::softmax_grad(pi[j], dsi[j], weighted) * scale;
      }
      const T* qb = q + b * Tq * qk_stride + qk_offset;
      const T* kb = k + b * Tk * qk_stride + qk_offset;
      if (dq) {
        gemm<T>(false, false, Tq, Dk, Tk, T(1), ds, Tk, kb, qk_stride, T(1),
                dq + b * Tq * qk_stride + qk_offset, qk_stride);
      }
      if (dk) {
        gemm<T>(true, false, Tk, Dk, Tq, T(1), ds, Tk, qb, qk_stride, T(1),
                dk + b * Tk * qk_stride + qk_offset, qk_stride);
      }
    }
  });
}

#define RECUR_INSTANTIATE(T)                                                               \
  template void multi_head_attention_forward<T>(const MultiHeadDims&, const T*, const T*,  \
                                                const T*, const int32_t*, T*, T*);         \
  template void multi_head_attention_backward<T>(const MultiHeadDims&, const T*, const T*, \
                                                 const T*, const T*, const T*, T*, T*, T*);
RECUR_INSTANTIATE(float)
RECUR_INSTANTIATE(double)
#undef RECUR_INSTANTIATE

}  // namespace recur::cpu
