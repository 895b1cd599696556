#include "kernels/cuda/for_each.cuh"
#include "kernels/cuda/optim.h"
#include "kernels/optim_math.h"

namespace recur::cuda {

template <class T>
void sgd_update(int64_t n, T* param, const T* grad, T* momentum_buf, double lr, double momentum,
                double weight_decay, bool nesterov, const double* skip) {
  const auto c = kernels::sgd_coefficients<T>(lr, momentum, weight_decay, nesterov);
  for_each("sgd_update", n, [=] __device__(int64_t i) {
    if (kernels::update_allowed(skip)) kernels::sgd_element(i, c, param, grad, momentum_buf);
  });
}

template <class T>
void adam_update(int64_t n, T* param, const T* grad, T* exp_avg, T* exp_avg_sq, double lr,
                 double beta1, double beta2, double eps, double weight_decay, bool decoupled,
                 int64_t step, const double* skip) {
  const auto c =
      kernels::adam_coefficients<T>(lr, beta1, beta2, eps, weight_decay, decoupled, step);
  for_each("adam_update", n, [=] __device__(int64_t i) {
    if (kernels::update_allowed(skip))
      kernels::adam_element(i, c, param, grad, exp_avg, exp_avg_sq);
  });
}

template <class T>
void clip_gradients(int64_t n, T* grads, const double* sum_sq, double max_norm, int64_t step,
                    double* diverged_at, double* clipped_steps) {
  for_each("clip_gradients", n, [=] __device__(int64_t i) {
    const double clip = kernels::clip_factor(*sum_sq, max_norm);
    if (i == 0 && !kernels::is_finite_number(*sum_sq) && *diverged_at == 0.0)
      *diverged_at = static_cast<double>(step);
    if (i == 0 && clipped_steps != nullptr && clip != 1.0) *clipped_steps += 1.0;
    grads[i] *= static_cast<T>(clip);
  });
}

#define RECUR_INSTANTIATE(T)                                                                  \
  template void sgd_update<T>(int64_t, T*, const T*, T*, double, double, double, bool,        \
                              const double*);                                                 \
  template void adam_update<T>(int64_t, T*, const T*, T*, T*, double, double, double, double, \
                               double, bool, int64_t, const double*);                         \
  template void clip_gradients<T>(int64_t, T*, const double*, double, int64_t, double*, double*);
RECUR_INSTANTIATE(float)
RECUR_INSTANTIATE(double)
#undef RECUR_INSTANTIATE

}  // namespace recur::cuda
