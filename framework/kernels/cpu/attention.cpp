#include "kernels/cpu/attention.h"

#include <algorithm>
#include <vector>

#include "core/threads.h"
#include "kernels/attention_window_math.h"
#include "kernels/softmax_math.h"

namespace recur::cpu {

namespace {

template <class T>
T dot(int64_t n, const T* a, const T* b) {
  T s = 0;
#pragma omp simd reduction(+ : s)
  for (int64_t i = 0; i < n; ++i)
    s += a[i] * b[i];
  return s;
}

template <class T>
T additive_score(int64_t n, const T* q, const T* k, const T* v) {
  T s = 0;
#pragma omp simd reduction(+ : s)
  for (int64_t i = 0; i < n; ++i)
    s += v[i] * kernels::tanh_of(q[i] + k[i]);
  return s;
}

// Rows per thread: a row of the batch is S x (D + E) multiply-adds.
int64_t grain(const AttentionDims& d) {
  return std::max<int64_t>(1, 16384 / std::max<int64_t>(1, d.source * (d.key + d.value)));
}

// Row b's weights (S) and context (E) over its span.
template <class T>
void attention_row(AttentionScore score, const AttentionDims& d, int64_t b, const T* query,
                   const T* keys, const T* values, const int32_t* lengths, const T* v,
                   const AttentionWindow<T>& window, T* weights, T* context) {
  const int64_t S = d.source, D = d.key, E = d.value;
  const kernels::AttentionSpan span =
      kernels::attention_span(window, b, std::clamp<int64_t>(lengths[b], 1, S));
  const T* q = query + b * D;
  T* w = weights + b * S;
  std::fill(w, w + S, T(0));
  T max = -1e30f;
  for (int64_t s = span.first; s < span.end; ++s) {
    const T* k = keys + (b * S + s) * D;
    w[s] = score == AttentionScore::Dot ? dot(D, q, k) : additive_score(D, q, k, v);
    max = std::max(max, w[s]);
  }
  T total = 0;
  for (int64_t s = span.first; s < span.end; ++s) {
    w[s] = kernels::exp_of(w[s] - max);
    total += w[s];
  }
  for (int64_t s = span.first; s < span.end; ++s)
    w[s] = w[s] / total * kernels::window_factor(window, b, s);
  T* c = context + b * E;
  std::fill(c, c + E, T(0));
  for (int64_t s = span.first; s < span.end; ++s) {
    const T* val = values + (b * S + s) * E;
    const T a = w[s];
#pragma omp simd
    for (int64_t e = 0; e < E; ++e)
      c[e] += a * val[e];
  }
}

}  // namespace

template <class T>
void attention_forward(AttentionScore score, const AttentionDims& d, const T* query, const T* keys,
                       const T* values, const int32_t* lengths, const T* v,
                       const AttentionWindow<T>& window, T* weights, T* context) {
  parallel_for(d.batch, grain(d), [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b)
      attention_row(score, d, b, query, keys, values, lengths, v, window, weights, context);
  });
}

namespace {

// Row b's gradient of its scores over its span, dscore (S): from d context through the weights,
// the Gaussian (whose gradient goes to dcenter[b]) and the softmax. On the way, d values (when
// wanted) gain the weights times d context.
template <class T>
void score_grad_of_row(int64_t b, kernels::AttentionSpan span, const AttentionDims& d,
                       const AttentionWindow<T>& window, const T* values, const T* weights,
                       const T* dcontext, T* dvalues, T* dscore, T* dcenter) {
  const int64_t S = d.source, E = d.value;
  const T* w = weights + b * S;
  const T* dc = dcontext + b * E;
  T weighted = 0, dp = 0;
  for (int64_t s = span.first; s < span.end; ++s) {
    const T* val = values + (b * S + s) * E;
    const T dw = dot(E, dc, val);
    // weight = softmax * factor: the softmax's gradient is dw * factor.
    const T factor = kernels::window_factor(window, b, s);
    dscore[s] = dw * factor;
    weighted += w[s] / factor * dscore[s];
    if (window.center != nullptr) dp += dw * w[s] * kernels::window_center_slope(window, b, s);
    if (dvalues) {
      T* dval = dvalues + (b * S + s) * E;
      const T a = w[s];
#pragma omp simd
      for (int64_t e = 0; e < E; ++e)
        dval[e] += a * dc[e];
    }
  }
  for (int64_t s = span.first; s < span.end; ++s) {
    const T softmax = w[s] / kernels::window_factor(window, b, s);
    dscore[s] = kernels::softmax_grad(softmax, dscore[s], weighted);
  }
  if (dcenter != nullptr) dcenter[b] += dp;
}

// Row b's gradients of the query, the keys and (additive scores) v, from its score gradients;
// dv_part (D) is this thread's own sum of dv.
template <class T>
void input_grads_of_row(AttentionScore score, int64_t b, kernels::AttentionSpan span,
                        const AttentionDims& d, const T* query, const T* keys, const T* v,
                        const T* dscore, T* dquery, T* dkeys, T* dv_part) {
  const int64_t S = d.source, D = d.key;
  const T* q = query + b * D;
  T* dq = dquery ? dquery + b * D : nullptr;
  for (int64_t s = span.first; s < span.end; ++s) {
    const T g = dscore[s];
    const T* k = keys + (b * S + s) * D;
    T* dk = dkeys ? dkeys + (b * S + s) * D : nullptr;
    if (score == AttentionScore::Dot) {
      for (int64_t i = 0; i < D; ++i) {
        if (dq) dq[i] += g * k[i];
        if (dk) dk[i] += g * q[i];
      }
      continue;
    }
    for (int64_t i = 0; i < D; ++i) {
      const T th = kernels::tanh_of(q[i] + k[i]);
      const T gi = kernels::tanh_grad(th, g * v[i]);
      if (dq) dq[i] += gi;
      if (dk) dk[i] += gi;
      if (dv_part) dv_part[i] += g * th;
    }
  }
}

}  // namespace

template <class T>
void attention_backward(AttentionScore score, const AttentionDims& d, const T* query, const T* keys,
                        const T* values, const int32_t* lengths, const T* v,
                        const AttentionWindow<T>& window, const T* weights, const T* dcontext,
                        T* dquery, T* dkeys, T* dvalues, T* dv, T* dcenter) {
  const int64_t S = d.source;
  const bool wants_dv = dv && score == AttentionScore::Additive;
  // dv sums over the whole batch: each thread keeps its own and they are added in order.
  const int threads = num_threads();
  std::vector<std::vector<T>> dv_parts(static_cast<size_t>(threads));
  const int64_t chunk = (d.batch + threads - 1) / threads;
  parallel_for(static_cast<int64_t>(threads), 1, [&](int64_t t_begin, int64_t t_end) {
    for (int64_t t = t_begin; t < t_end; ++t) {
      std::vector<T>& my_dv = dv_parts[static_cast<size_t>(t)];
      if (wants_dv) my_dv.assign(static_cast<size_t>(d.key), T(0));
      std::vector<T> dscore(static_cast<size_t>(S));
      for (int64_t b = t * chunk; b < std::min(d.batch, (t + 1) * chunk); ++b) {
        const kernels::AttentionSpan span =
            kernels::attention_span(window, b, std::clamp<int64_t>(lengths[b], 1, S));
        score_grad_of_row(b, span, d, window, values, weights, dcontext, dvalues, dscore.data(),
                          dcenter);
        input_grads_of_row(score, b, span, d, query, keys, v, dscore.data(), dquery, dkeys,
                           wants_dv ? my_dv.data() : nullptr);
      }
    }
  });
  if (!wants_dv) return;
  for (const std::vector<T>& part : dv_parts) {
    for (size_t i = 0; i < part.size(); ++i)
      dv[i] += part[i];
  }
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

}  // namespace recur::cpu
