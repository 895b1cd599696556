// Fused optimiser updates over flat device buffers: the counterparts of kernels/cpu/optim.h, with
// the same formulas in the same order of operations.
#pragma once

#include <cstdint>

namespace recur::cuda {

// PyTorch's SGD with momentum, weight decay and Nesterov; momentum_buf unused (may be null)
// when momentum is 0. The update does nothing while the gate `skip` (null or one double on the
// device) is not 0.
template <class T>
void sgd_update(int64_t n, T* param, const T* grad, T* momentum_buf, double lr, double momentum,
                double weight_decay, bool nesterov, const double* skip);

// Adam or AdamW (decoupled), bias-corrected as in PyTorch; step counts from 1; gated likewise.
template <class T>
void adam_update(int64_t n, T* param, const T* grad, T* exp_avg, T* exp_avg_sq, double lr,
                 double beta1, double beta2, double eps, double weight_decay, bool decoupled,
                 int64_t step, const double* skip);

// Clips grads by the norm whose square sum_sq (1) holds, and marks a non-finite one in
// diverged_at (1), all on the device.
template <class T>
void clip_gradients(int64_t n, T* grads, const double* sum_sq, double max_norm, int64_t step,
                    double* diverged_at, double* clipped_steps);

}  // namespace recur::cuda
