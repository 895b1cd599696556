// The optimiser updates of one element, written once for the CPU loops and the CUDA kernels
// (formulas in kernels/cpu/optim.h). The coefficients are worked out once per step on the host.
#pragma once

#include <cmath>
#include <cstdint>

#include "core/host_device.h"
#include "kernels/element_math.h"

namespace recur::kernels {

// x is neither NaN nor infinite (x - x is NaN for both), in host and device code alike.
RECUR_HOST_DEVICE bool is_finite_number(double x) {
  return x - x == 0.0;
}

// The factor that clips gradients whose squares sum to sum_sq to the norm max_norm, as
// torch.nn.utils.clip_grad_norm_: max_norm / (norm + 1e-6) when that is below 1; 1 when max_norm
// is 0 (no clipping) or the norm is not finite (the step is skipped instead).
RECUR_HOST_DEVICE double clip_factor(double sum_sq, double max_norm) {
  const double factor = max_norm / (sqrt_of(sum_sq) + 1e-6);
  return max_norm > 0.0 && is_finite_number(sum_sq) && factor < 1.0 ? factor : 1.0;
}

// Whether an update gate (see kernels/cpu/optim.h) lets the update through.
RECUR_HOST_DEVICE bool update_allowed(const double* skip) {
  return skip == nullptr || *skip == 0.0;
}

template <class T>
struct SgdCoefficients {
  T lr, momentum, weight_decay;
  bool nesterov;
};

template <class T>
SgdCoefficients<T> sgd_coefficients(double lr, double momentum, double weight_decay,
                                    bool nesterov) {
  return {static_cast<T>(lr), static_cast<T>(momentum), static_cast<T>(weight_decay), nesterov};
}

// momentum_buf is read and written only when the momentum is not 0 (it may be null then).
template <class T>
RECUR_HOST_DEVICE void sgd_element(int64_t i, const SgdCoefficients<T>& c, T* param, const T* grad,
                                   T* momentum_buf) {
  T d = grad[i] + c.weight_decay * param[i];
  if (c.momentum != T(0)) {
    const T buf = c.momentum * momentum_buf[i] + d;
    momentum_buf[i] = buf;
    d = c.nesterov ? d + c.momentum * buf : buf;
  }
  param[i] -= c.lr * d;
}

// The bias corrections of step `step` folded into step_size and inv_sqrt_c2; l2 is the weight
// decay added to the gradient (Adam), shrink the factor on the parameter (AdamW).
template <class T>
struct AdamCoefficients {
  T step_size, inv_sqrt_c2, beta1, beta2, eps, l2, shrink;
};

template <class T>
AdamCoefficients<T> adam_coefficients(double lr, double beta1, double beta2, double eps,
                                      double weight_decay, bool decoupled, int64_t step) {
  const double correction1 = 1.0 - std::pow(beta1, static_cast<double>(step));
  const double correction2 = 1.0 - std::pow(beta2, static_cast<double>(step));
  return {static_cast<T>(lr / correction1),
          static_cast<T>(1.0 / std::sqrt(correction2)),
          static_cast<T>(beta1),
          static_cast<T>(beta2),
          static_cast<T>(eps),
          decoupled ? T(0) : static_cast<T>(weight_decay),
          decoupled ? static_cast<T>(1.0 - lr * weight_decay) : T(1)};
}

template <class T>
RECUR_HOST_DEVICE void adam_element(int64_t i, const AdamCoefficients<T>& c, T* param,
                                    const T* grad, T* exp_avg, T* exp_avg_sq) {
  const T g = grad[i] + c.l2 * param[i];
  const T m = c.beta1 * exp_avg[i] + (T(1) - c.beta1) * g;
  const T v = c.beta2 * exp_avg_sq[i] + (T(1) - c.beta2) * g * g;
  exp_avg[i] = m;
  exp_avg_sq[i] = v;
  param[i] = param[i] * c.shrink - c.step_size * m / (sqrt_of(v) * c.inv_sqrt_c2 + c.eps);
}

}  // namespace recur::kernels
