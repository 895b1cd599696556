// Kernels on the device their data lives on: kernels::NAME<T>(device, args...) calls the CPU
// reference kernel cpu::NAME<T>(args...) (kernels/cpu) or its CUDA counterpart
// cuda::NAME<T>(args...) (kernels/cuda), whose signatures and contracts are the same. The autograd
// ops, optimisers and losses call these, so one piece of op code runs on either device. CUDA
// kernels run on the calling thread's current device, which gpu::use_device() selects (one device
// per process).
#pragma once

#include <cstdint>
#include <utility>

#include "core/device.h"
#include "core/device_counters.h"
#include "core/error.h"
#include "core/gpu.h"
#include "kernels/cpu/attention.h"
#include "kernels/cpu/blas.h"
#include "kernels/cpu/dropout.h"
#include "kernels/cpu/elementwise.h"
#include "kernels/cpu/embedding.h"
#include "kernels/cpu/layer_norm.h"
#include "kernels/cpu/multi_head_attention.h"
#include "kernels/cpu/negative_sampling.h"
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
#include "kernels/cuda/negative_sampling.h"
#include "kernels/cuda/optim.h"
#include "kernels/cuda/rnn_cells.h"
#include "kernels/cuda/softmax.h"
#include "kernels/matmul_flops.h"

namespace recur::kernels {

#if RECUR_WITH_CUDA
inline constexpr bool kCudaBackend = true;
#else
inline constexpr bool kCudaBackend = false;
#endif

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

// Defines kernels::NAME<T>(device, args...) for the kernel NAME of both backends. The CUDA call
// is discarded (never instantiated) in a build without the backend. A CPU call counts as a launch
// (core/device_counters.h); the CUDA runtime counts its own.
#define RECUR_KERNEL_ON_DEVICE(name)                                                 \
  template <class T, class... Args>                                                  \
  auto name(Device device, Args&&... args) {                                         \
    if (on_cuda(device)) {                                                           \
      if constexpr (kCudaBackend) return cuda::name<T>(std::forward<Args>(args)...); \
    }                                                                                \
    count_launch();                                                                  \
    return cpu::name<T>(std::forward<Args>(args)...);                                \
  }

// kernels/{cpu,cuda}/elementwise.h
RECUR_KERNEL_ON_DEVICE(add)
RECUR_KERNEL_ON_DEVICE(mul)
RECUR_KERNEL_ON_DEVICE(axpy)
RECUR_KERNEL_ON_DEVICE(mul_accumulate)
RECUR_KERNEL_ON_DEVICE(scale)
RECUR_KERNEL_ON_DEVICE(add_scalar)
RECUR_KERNEL_ON_DEVICE(copy)
RECUR_KERNEL_ON_DEVICE(add_bias)
RECUR_KERNEL_ON_DEVICE(sum_rows_accumulate)
RECUR_KERNEL_ON_DEVICE(scale_rows)
RECUR_KERNEL_ON_DEVICE(copy_rows)
RECUR_KERNEL_ON_DEVICE(broadcast_rows)
RECUR_KERNEL_ON_DEVICE(activation_forward)
RECUR_KERNEL_ON_DEVICE(activation_backward)
RECUR_KERNEL_ON_DEVICE(sum)
RECUR_KERNEL_ON_DEVICE(sum_squares)

// kernels/{cpu,cuda}/softmax.h
RECUR_KERNEL_ON_DEVICE(softmax_forward)
RECUR_KERNEL_ON_DEVICE(softmax_backward)
RECUR_KERNEL_ON_DEVICE(log_softmax_forward)
RECUR_KERNEL_ON_DEVICE(log_softmax_backward)
RECUR_KERNEL_ON_DEVICE(cross_entropy_forward)
RECUR_KERNEL_ON_DEVICE(cross_entropy_backward)

// kernels/{cpu,cuda}/embedding.h
RECUR_KERNEL_ON_DEVICE(embedding_forward)
RECUR_KERNEL_ON_DEVICE(embedding_backward)

// kernels/{cpu,cuda}/negative_sampling.h
RECUR_KERNEL_ON_DEVICE(negative_sampling_forward)
RECUR_KERNEL_ON_DEVICE(negative_sampling_backward)

// kernels/{cpu,cuda}/dropout.h
RECUR_KERNEL_ON_DEVICE(dropout_mask)

// kernels/{cpu,cuda}/layer_norm.h
RECUR_KERNEL_ON_DEVICE(layer_norm_forward)
RECUR_KERNEL_ON_DEVICE(layer_norm_backward)

// kernels/{cpu,cuda}/rnn_cells.h
RECUR_KERNEL_ON_DEVICE(lstm_step_forward)
RECUR_KERNEL_ON_DEVICE(lstm_step_backward)
RECUR_KERNEL_ON_DEVICE(gru_step_forward)
RECUR_KERNEL_ON_DEVICE(gru_step_backward)
RECUR_KERNEL_ON_DEVICE(rnn_step_forward)
RECUR_KERNEL_ON_DEVICE(rnn_step_backward)

// kernels/{cpu,cuda}/optim.h
RECUR_KERNEL_ON_DEVICE(sgd_update)
RECUR_KERNEL_ON_DEVICE(adam_update)
RECUR_KERNEL_ON_DEVICE(clip_gradients)

// The kernels that do matrix products add them to matmul_flops() (kernels/matmul_flops.h); the
// uncounted calls are theirs alone.
namespace uncounted {
RECUR_KERNEL_ON_DEVICE(gemm)
RECUR_KERNEL_ON_DEVICE(attention_forward)
RECUR_KERNEL_ON_DEVICE(attention_backward)
RECUR_KERNEL_ON_DEVICE(multi_head_attention_forward)
RECUR_KERNEL_ON_DEVICE(multi_head_attention_backward)
}  // namespace uncounted

#undef RECUR_KERNEL_ON_DEVICE

// kernels/{cpu,cuda}/blas.h
template <class T, class... Rest>
void gemm(Device device, bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k,
          Rest&&... rest) {
  add_matmul_flops(2 * m * n * k);
  uncounted::gemm<T>(device, trans_a, trans_b, m, n, k, std::forward<Rest>(rest)...);
}

// kernels/{cpu,cuda}/attention.h: scores over the keys and the weighted sum of the values; the
// backward pass does each twice (for both operands).
inline int64_t attention_flops(const AttentionDims& d) {
  return 2 * d.batch * d.source * (d.key + d.value);
}

template <class T, class... Rest>
void attention_forward(Device device, AttentionScore score, const AttentionDims& d,
                       Rest&&... rest) {
  add_matmul_flops(attention_flops(d));
  uncounted::attention_forward<T>(device, score, d, std::forward<Rest>(rest)...);
}

template <class T, class... Rest>
void attention_backward(Device device, AttentionScore score, const AttentionDims& d,
                        Rest&&... rest) {
  add_matmul_flops(2 * attention_flops(d));
  uncounted::attention_backward<T>(device, score, d, std::forward<Rest>(rest)...);
}

// kernels/{cpu,cuda}/multi_head_attention.h, likewise.
inline int64_t multi_head_attention_flops(const MultiHeadDims& d) {
  return 2 * d.batch * d.heads * d.queries * d.keys * (d.key_dim + d.value_dim);
}

template <class T, class... Rest>
void multi_head_attention_forward(Device device, const MultiHeadDims& d, Rest&&... rest) {
  add_matmul_flops(multi_head_attention_flops(d));
  uncounted::multi_head_attention_forward<T>(device, d, std::forward<Rest>(rest)...);
}

template <class T, class... Rest>
void multi_head_attention_backward(Device device, const MultiHeadDims& d, Rest&&... rest) {
  add_matmul_flops(2 * multi_head_attention_flops(d));
  uncounted::multi_head_attention_backward<T>(device, d, std::forward<Rest>(rest)...);
}

}  // namespace recur::kernels
