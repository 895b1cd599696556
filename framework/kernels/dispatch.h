// Kernels on the device their data lives on: each function takes that Device first and calls the
// CPU reference kernel (kernels/cpu) or its CUDA counterpart (kernels/cuda), whose signatures and
// contracts are the same. The autograd ops, optimisers and losses call these, so one piece of op
// code runs on either device. CUDA kernels run on the calling thread's current device, which
// gpu::use_device() selects (one device per process).
#pragma once

#include <cstdint>

#include "core/device.h"
#include "core/error.h"
#include "core/gpu.h"
#include "kernels/cpu/attention.h"
#include "kernels/cpu/blas.h"
#include "kernels/cpu/dropout.h"
#include "kernels/cpu/elementwise.h"
#include "kernels/cpu/embedding.h"
#include "kernels/cpu/layer_norm.h"
#include "kernels/cpu/multi_head_attention.h"
#include "kernels/cpu/optim.h"
#include "kernels/cpu/rnn_cells.h"
#include "kernels/cpu/softmax.h"
#include "kernels/cuda/attention.h"
#include "kernels/cuda/blas.h"
#include "kernels/cuda/dropout.h"
#include "kernels/cuda/elementwise.h"
#include "kernels/cuda/embedding.h"
#include "kernels/cuda/layer_norm.h"
#include "kernels/cuda/multi_head_attention.h"
#include "kernels/cuda/optim.h"
#include "kernels/cuda/rnn_cells.h"
#include "kernels/cuda/softmax.h"

namespace recur::kernels {

#if RECUR_WITH_CUDA
inline constexpr bool kCudaBackend = true;
#else
inline constexpr bool kCudaBackend = false;
#endif

using cpu::AttentionDims;
using cpu::AttentionScore;
using cpu::CrossEntropyTotals;
using cpu::MultiHeadDims;

// True for a CUDA device. The CUDA branches below are discarded in a build without the backend, so
// a device tensor there (which the allocator never hands out) is an internal error, not a no-op.
// CUDA kernels run on the current device's stream: data on another device would race with it.
inline bool on_cuda(Device device) {
  if (device.is_cpu()) return false;
  RECUR_ASSERT(kCudaBackend, "a kernel on ", device.str(), " in a build without CUDA");
  RECUR_ASSERT(device.index == gpu::current_device(), "a kernel on ", device.str(),
               " while the current device is cuda:", gpu::current_device());
  return true;
}

// kernels/{cpu,cuda}/elementwise.h

template <class T>
void add(Device device, int64_t n, const T* a, const T* b, T* out) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend) return cuda::add<T>(n, a, b, out);
  }
  return cpu::add<T>(n, a, b, out);
}

template <class T>
void mul(Device device, int64_t n, const T* a, const T* b, T* out) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend) return cuda::mul<T>(n, a, b, out);
  }
  return cpu::mul<T>(n, a, b, out);
}

template <class T>
void axpy(Device device, int64_t n, T alpha, const T* x, T* y) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend) return cuda::axpy<T>(n, alpha, x, y);
  }
  return cpu::axpy<T>(n, alpha, x, y);
}

template <class T>
void mul_accumulate(Device device, int64_t n, const T* a, const T* b, T* out) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend) return cuda::mul_accumulate<T>(n, a, b, out);
  }
  return cpu::mul_accumulate<T>(n, a, b, out);
}

template <class T>
void scale(Device device, int64_t n, T alpha, T* x) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend) return cuda::scale<T>(n, alpha, x);
  }
  return cpu::scale<T>(n, alpha, x);
}

template <class T>
void add_scalar(Device device, int64_t n, T alpha, T* x) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend) return cuda::add_scalar<T>(n, alpha, x);
  }
  return cpu::add_scalar<T>(n, alpha, x);
}

template <class T>
void copy(Device device, int64_t n, const T* x, T* out) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend) return cuda::copy<T>(n, x, out);
  }
  return cpu::copy<T>(n, x, out);
}

template <class T>
void add_bias(Device device, int64_t rows, int64_t cols, const T* bias, T* x) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend) return cuda::add_bias<T>(rows, cols, bias, x);
  }
  return cpu::add_bias<T>(rows, cols, bias, x);
}

template <class T>
void sum_rows_accumulate(Device device, int64_t rows, int64_t cols, const T* x, T* out) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend) return cuda::sum_rows_accumulate<T>(rows, cols, x, out);
  }
  return cpu::sum_rows_accumulate<T>(rows, cols, x, out);
}

template <class T>
void scale_rows(Device device, int64_t rows, int64_t cols, const T* x, const T* row_scale, T* out) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend) return cuda::scale_rows<T>(rows, cols, x, row_scale, out);
  }
  return cpu::scale_rows<T>(rows, cols, x, row_scale, out);
}

template <class T>
void copy_rows(Device device, int64_t rows, int64_t cols, const T* src, int64_t src_stride, T* dst,
               int64_t dst_stride, bool accumulate) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend)
      return cuda::copy_rows<T>(rows, cols, src, src_stride, dst, dst_stride, accumulate);
  }
  return cpu::copy_rows<T>(rows, cols, src, src_stride, dst, dst_stride, accumulate);
}

template <class T>
void broadcast_rows(Device device, int64_t rows, int64_t cols, const T* row, T* out) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend) return cuda::broadcast_rows<T>(rows, cols, row, out);
  }
  return cpu::broadcast_rows<T>(rows, cols, row, out);
}

template <class T>
void set_padded_rows(Device device, int64_t rows, int64_t cols, const int32_t* lengths, int64_t t,
                     const T* source, T* x) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend) return cuda::set_padded_rows<T>(rows, cols, lengths, t, source, x);
  }
  return cpu::set_padded_rows<T>(rows, cols, lengths, t, source, x);
}

template <class T>
void activation_forward(Device device, Activation f, int64_t n, const T* x, T* y) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend) return cuda::activation_forward<T>(f, n, x, y);
  }
  return cpu::activation_forward<T>(f, n, x, y);
}

template <class T>
void activation_backward(Device device, Activation f, int64_t n, const T* y, const T* dy, T* dx) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend) return cuda::activation_backward<T>(f, n, y, dy, dx);
  }
  return cpu::activation_backward<T>(f, n, y, dy, dx);
}

template <class T>
double sum(Device device, int64_t n, const T* x) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend) return cuda::sum<T>(n, x);
  }
  return cpu::sum<T>(n, x);
}

template <class T>
double sum_squares(Device device, int64_t n, const T* x) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend) return cuda::sum_squares<T>(n, x);
  }
  return cpu::sum_squares<T>(n, x);
}

// kernels/{cpu,cuda}/blas.h

template <class T>
void gemm(Device device, bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, T alpha,
          const T* a, int64_t lda, const T* b, int64_t ldb, T beta, T* c, int64_t ldc) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend)
      return cuda::gemm<T>(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  }
  return cpu::gemm<T>(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

template <class T>
void gemm(Device device, bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, T alpha,
          const T* a, const T* b, T beta, T* c) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend)
      return cuda::gemm<T>(trans_a, trans_b, m, n, k, alpha, a, b, beta, c);
  }
  return cpu::gemm<T>(trans_a, trans_b, m, n, k, alpha, a, b, beta, c);
}

// kernels/{cpu,cuda}/softmax.h

template <class T>
void softmax_forward(Device device, int64_t rows, int64_t cols, const T* x, T* y) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend) return cuda::softmax_forward<T>(rows, cols, x, y);
  }
  return cpu::softmax_forward<T>(rows, cols, x, y);
}

template <class T>
void softmax_backward(Device device, int64_t rows, int64_t cols, const T* y, const T* dy, T* dx) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend) return cuda::softmax_backward<T>(rows, cols, y, dy, dx);
  }
  return cpu::softmax_backward<T>(rows, cols, y, dy, dx);
}

template <class T>
void log_softmax_forward(Device device, int64_t rows, int64_t cols, const T* x, T* y) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend) return cuda::log_softmax_forward<T>(rows, cols, x, y);
  }
  return cpu::log_softmax_forward<T>(rows, cols, x, y);
}

template <class T>
void log_softmax_backward(Device device, int64_t rows, int64_t cols, const T* y, const T* dy,
                          T* dx) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend) return cuda::log_softmax_backward<T>(rows, cols, y, dy, dx);
  }
  return cpu::log_softmax_backward<T>(rows, cols, y, dy, dx);
}

template <class T>
CrossEntropyTotals cross_entropy_forward(Device device, int64_t rows, int64_t cols, const T* logits,
                                         const int32_t* targets, int32_t ignore_index,
                                         double smoothing, T* probs) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend)
      return cuda::cross_entropy_forward<T>(rows, cols, logits, targets, ignore_index, smoothing,
                                            probs);
  }
  return cpu::cross_entropy_forward<T>(rows, cols, logits, targets, ignore_index, smoothing, probs);
}

template <class T>
void cross_entropy_backward(Device device, int64_t rows, int64_t cols, const T* probs,
                            const int32_t* targets, int32_t ignore_index, double smoothing, T scale,
                            T* dlogits) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend)
      return cuda::cross_entropy_backward<T>(rows, cols, probs, targets, ignore_index, smoothing,
                                             scale, dlogits);
  }
  return cpu::cross_entropy_backward<T>(rows, cols, probs, targets, ignore_index, smoothing, scale,
                                        dlogits);
}

// kernels/{cpu,cuda}/embedding.h

template <class T>
void embedding_forward(Device device, int64_t n, int64_t dim, const int32_t* ids, const T* table,
                       T* out) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend) return cuda::embedding_forward<T>(n, dim, ids, table, out);
  }
  return cpu::embedding_forward<T>(n, dim, ids, table, out);
}

template <class T>
void embedding_backward(Device device, int64_t n, int64_t dim, const int32_t* ids, const T* dout,
                        T* dtable) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend) return cuda::embedding_backward<T>(n, dim, ids, dout, dtable);
  }
  return cpu::embedding_backward<T>(n, dim, ids, dout, dtable);
}

// kernels/{cpu,cuda}/dropout.h

template <class T>
void dropout_mask(Device device, const RandomStream& stream, int64_t steps, int64_t batch,
                  int64_t width, int64_t batch_offset, int64_t time_offset, double p, T* mask) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend)
      return cuda::dropout_mask<T>(stream, steps, batch, width, batch_offset, time_offset, p, mask);
  }
  return cpu::dropout_mask<T>(stream, steps, batch, width, batch_offset, time_offset, p, mask);
}

// kernels/{cpu,cuda}/layer_norm.h

template <class T>
void layer_norm_forward(Device device, int64_t rows, int64_t dim, double eps, const T* x,
                        const T* gain, const T* bias, T* y, T* mean, T* rstd) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend)
      return cuda::layer_norm_forward<T>(rows, dim, eps, x, gain, bias, y, mean, rstd);
  }
  return cpu::layer_norm_forward<T>(rows, dim, eps, x, gain, bias, y, mean, rstd);
}

template <class T>
void layer_norm_backward(Device device, int64_t rows, int64_t dim, const T* x, const T* gain,
                         const T* mean, const T* rstd, const T* dy, T* dx, T* dgain, T* dbias) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend)
      return cuda::layer_norm_backward<T>(rows, dim, x, gain, mean, rstd, dy, dx, dgain, dbias);
  }
  return cpu::layer_norm_backward<T>(rows, dim, x, gain, mean, rstd, dy, dx, dgain, dbias);
}

// kernels/{cpu,cuda}/rnn_cells.h

template <class T>
void lstm_cell_forward(Device device, int64_t batch, int64_t hidden, T* gates, const T* c_prev,
                       T* c, T* h) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend)
      return cuda::lstm_cell_forward<T>(batch, hidden, gates, c_prev, c, h);
  }
  return cpu::lstm_cell_forward<T>(batch, hidden, gates, c_prev, c, h);
}

template <class T>
void lstm_cell_backward(Device device, int64_t batch, int64_t hidden, T* gates, const T* c_prev,
                        const T* c, const T* dh, T* dc) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend)
      return cuda::lstm_cell_backward<T>(batch, hidden, gates, c_prev, c, dh, dc);
  }
  return cpu::lstm_cell_backward<T>(batch, hidden, gates, c_prev, c, dh, dc);
}

template <class T>
void gru_cell_forward(Device device, int64_t batch, int64_t hidden, T* x_gates, const T* h_gates,
                      const T* h_prev, T* h) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend)
      return cuda::gru_cell_forward<T>(batch, hidden, x_gates, h_gates, h_prev, h);
  }
  return cpu::gru_cell_forward<T>(batch, hidden, x_gates, h_gates, h_prev, h);
}

template <class T>
void gru_cell_backward(Device device, int64_t batch, int64_t hidden, T* x_gates, T* h_gates,
                       const T* h_prev, const T* dh, T* dh_prev) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend)
      return cuda::gru_cell_backward<T>(batch, hidden, x_gates, h_gates, h_prev, dh, dh_prev);
  }
  return cpu::gru_cell_backward<T>(batch, hidden, x_gates, h_gates, h_prev, dh, dh_prev);
}

// kernels/{cpu,cuda}/attention.h

template <class T>
void attention_forward(Device device, AttentionScore score, const AttentionDims& d, const T* query,
                       const T* keys, const T* values, const int32_t* lengths, const T* v,
                       T* weights, T* context) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend)
      return cuda::attention_forward<T>(score, d, query, keys, values, lengths, v, weights,
                                        context);
  }
  return cpu::attention_forward<T>(score, d, query, keys, values, lengths, v, weights, context);
}

template <class T>
void attention_backward(Device device, AttentionScore score, const AttentionDims& d, const T* query,
                        const T* keys, const T* values, const int32_t* lengths, const T* v,
                        const T* weights, const T* dcontext, T* dquery, T* dkeys, T* dvalues,
                        T* dv) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend)
      return cuda::attention_backward<T>(score, d, query, keys, values, lengths, v, weights,
                                         dcontext, dquery, dkeys, dvalues, dv);
  }
  return cpu::attention_backward<T>(score, d, query, keys, values, lengths, v, weights, dcontext,
                                    dquery, dkeys, dvalues, dv);
}

// kernels/{cpu,cuda}/multi_head_attention.h

template <class T>
void multi_head_attention_forward(Device device, const MultiHeadDims& d, const T* q, const T* k,
                                  const T* v, const int32_t* key_lengths, T* probs, T* out) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend)
      return cuda::multi_head_attention_forward<T>(d, q, k, v, key_lengths, probs, out);
  }
  return cpu::multi_head_attention_forward<T>(d, q, k, v, key_lengths, probs, out);
}

template <class T>
void multi_head_attention_backward(Device device, const MultiHeadDims& d, const T* q, const T* k,
                                   const T* v, const T* probs, const T* dout, T* dq, T* dk, T* dv) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend)
      return cuda::multi_head_attention_backward<T>(d, q, k, v, probs, dout, dq, dk, dv);
  }
  return cpu::multi_head_attention_backward<T>(d, q, k, v, probs, dout, dq, dk, dv);
}

// kernels/{cpu,cuda}/optim.h

template <class T>
void sgd_update(Device device, int64_t n, T* param, const T* grad, T* momentum_buf, double lr,
                double momentum, double weight_decay, bool nesterov) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend)
      return cuda::sgd_update<T>(n, param, grad, momentum_buf, lr, momentum, weight_decay,
                                 nesterov);
  }
  return cpu::sgd_update<T>(n, param, grad, momentum_buf, lr, momentum, weight_decay, nesterov);
}

template <class T>
void adam_update(Device device, int64_t n, T* param, const T* grad, T* exp_avg, T* exp_avg_sq,
                 double lr, double beta1, double beta2, double eps, double weight_decay,
                 bool decoupled, int64_t step) {
  if (on_cuda(device)) {
    if constexpr (kCudaBackend)
      return cuda::adam_update<T>(n, param, grad, exp_avg, exp_avg_sq, lr, beta1, beta2, eps,
                                  weight_decay, decoupled, step);
  }
  return cpu::adam_update<T>(n, param, grad, exp_avg, exp_avg_sq, lr, beta1, beta2, eps,
                             weight_decay, decoupled, step);
}

}  // namespace recur::kernels
