// Fused optimiser updates over flat device buffers: the counterparts of kernels/cpu/optim.h, with
// the same formulas in the same order of operations.
#pragma once

#include <cstdint>

namespace recur::cuda {

// PyTorch's SGD with momentum, weight decay and Nesterov; momentum_buf unused (may be null)
// when momentum is 0.
template <class T>
void sgd_update(int64_t n, T* param, const T* grad, T* momentum_buf, double lr, double momentum,
                double weight_decay, bool nesterov);

// Adam or AdamW (decoupled), bias-corrected as in PyTorch; step counts from 1.
template <class T>
void adam_update(int64_t n, T* param, const T* grad, T* exp_avg, T* exp_avg_sq, double lr,
                 double beta1, double beta2, double eps, double weight_decay, bool decoupled,
                 int64_t step);

}  // namespace recur::cuda
