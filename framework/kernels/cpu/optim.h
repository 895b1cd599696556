// Fused optimiser updates over flat parameter, gradient and state buffers.
#pragma once

#include <cstdint>

namespace recur::cpu {

// The updates take a gate `skip`: null, or one double on the device that the update reads there;
// while it is not 0 (a step whose gradients were not finite, see clip_gradients) the update
// changes nothing, so the host need not read the gradient norm to decide.

// PyTorch's SGD: d = g + wd * p; buf = momentum * buf + d; p -= lr * (nesterov ? d + momentum *
// buf : buf). With momentum 0, buf is not touched (may be null).
template <class T>
void sgd_update(int64_t n, T* param, const T* grad, T* momentum_buf, double lr, double momentum,
                double weight_decay, bool nesterov, const double* skip);

// Adam (decoupled = false: L2 penalty added to the gradient) or AdamW (decoupled = true: p -= lr *
// wd * p), bias-corrected as in PyTorch; step counts from 1.
template <class T>
void adam_update(int64_t n, T* param, const T* grad, T* exp_avg, T* exp_avg_sq, double lr,
                 double beta1, double beta2, double eps, double weight_decay, bool decoupled,
                 int64_t step, const double* skip);

// With sum_sq (1) the gradients' sum of squares: scales grads (n) by clip_factor(*sum_sq,
// max_norm) (kernels/optim_math.h); when the sum is not finite and diverged_at (1) is still 0,
// sets it to `step`, which then skips every update gated on it. clipped_steps (1, or null) counts
// the calls that scaled the gradients.
template <class T>
void clip_gradients(int64_t n, T* grads, const double* sum_sq, double max_norm, int64_t step,
                    double* diverged_at, double* clipped_steps);

}  // namespace recur::cpu
