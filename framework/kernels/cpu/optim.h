// Fused optimiser updates over flat parameter, gradient and state buffers.
#pragma once

#include <cstdint>

namespace recur::cpu {

// PyTorch's SGD: d = g + wd * p; buf = momentum * buf + d; p -= lr * (nesterov ? d + momentum *
// buf : buf). With momentum 0, buf is not touched (may be null).
template <class T>
void sgd_update(int64_t n, T* param, const T* grad, T* momentum_buf, double lr, double momentum,
                double weight_decay, bool nesterov);

// Adam (decoupled = false: L2 penalty added to the gradient) or AdamW (decoupled = true: p -= lr *
// wd * p), bias-corrected as in PyTorch; step counts from 1.
template <class T>
void adam_update(int64_t n, T* param, const T* grad, T* exp_avg, T* exp_avg_sq, double lr,
                 double beta1, double beta2, double eps, double weight_decay, bool decoupled,
                 int64_t step);

}  // namespace recur::cpu
