#include <cmath>

#include "kernels/cuda/for_each.cuh"
#include "kernels/cuda/optim.h"
#include "kernels/element_math.h"

namespace recur::cuda {

template <class T>
void sgd_update(int64_t n, T* param, const T* grad, T* momentum_buf, double lr, double momentum,
                double weight_decay, bool nesterov) {
  const T lr_t = static_cast<T>(lr), mu = static_cast<T>(momentum);
  const T wd = static_cast<T>(weight_decay);
  for_each("sgd_update", n, [=] __device__(int64_t i) {
    T d = grad[i] + wd * param[i];
    if (mu != T(0)) {
      const T buf = mu * momentum_buf[i] + d;
      momentum_buf[i] = buf;
      d = nesterov ? d + mu * buf : buf;
    }
    param[i] -= lr_t * d;
  });
}

template <class T>
void adam_update(int64_t n, T* param, const T* grad, T* exp_avg, T* exp_avg_sq, double lr,
                 double beta1, double beta2, double eps, double weight_decay, bool decoupled,
                 int64_t step) {
  const double correction1 = 1.0 - std::pow(beta1, static_cast<double>(step));
  const double correction2 = 1.0 - std::pow(beta2, static_cast<double>(step));
  const T step_size = static_cast<T>(lr / correction1);
  const T inv_sqrt_c2 = static_cast<T>(1.0 / std::sqrt(correction2));
  const T b1 = static_cast<T>(beta1), b2 = static_cast<T>(beta2), e = static_cast<T>(eps);
  const T l2 = decoupled ? T(0) : static_cast<T>(weight_decay);
  const T shrink = decoupled ? static_cast<T>(1.0 - lr * weight_decay) : T(1);
  for_each("adam_update", n, [=] __device__(int64_t i) {
    const T g = grad[i] + l2 * param[i];
    const T m = b1 * exp_avg[i] + (T(1) - b1) * g;
    const T v = b2 * exp_avg_sq[i] + (T(1) - b2) * g * g;
    exp_avg[i] = m;
    exp_avg_sq[i] = v;
    param[i] = param[i] * shrink - step_size * m / (kernels::sqrt_of(v) * inv_sqrt_c2 + e);
  });
}

template void sgd_update<float>(int64_t, float*, const float*, float*, double, double, double,
                                bool);
template void sgd_update<double>(int64_t, double*, const double*, double*, double, double, double,
                                 bool);
template void adam_update<float>(int64_t, float*, const float*, float*, float*, double, double,
                                 double, double, double, bool, int64_t);
template void adam_update<double>(int64_t, double*, const double*, double*, double*, double, double,
                                  double, double, double, bool, int64_t);

}  // namespace recur::cuda
