#include "kernels/cpu/optim.h"

#include "core/threads.h"
#include "kernels/optim_math.h"

namespace recur::cpu {

namespace {
constexpr int64_t kGrain = 1 << 15;
}

template <class T>
void sgd_update(int64_t n, T* param, const T* grad, T* momentum_buf, double lr, double momentum,
                double weight_decay, bool nesterov, const double* skip) {
  if (!kernels::update_allowed(skip)) return;
  const auto c = kernels::sgd_coefficients<T>(lr, momentum, weight_decay, nesterov);
  parallel_for(n, kGrain, [=](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      kernels::sgd_element(i, c, param, grad, momentum_buf);
  });
}

template <class T>
void adam_update(int64_t n, T* param, const T* grad, T* exp_avg, T* exp_avg_sq, double lr,
                 double beta1, double beta2, double eps, double weight_decay, bool decoupled,
                 int64_t step, const double* skip) {
  if (!kernels::update_allowed(skip)) return;
  const auto c =
      kernels::adam_coefficients<T>(lr, beta1, beta2, eps, weight_decay, decoupled, step);
  parallel_for(n, kGrain, [=](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      kernels::adam_element(i, c, param, grad, exp_avg, exp_avg_sq);
  });
}

template <class T>
void clip_gradients(int64_t n, T* grads, const double* sum_sq, double max_norm, int64_t step,
                    double* diverged_at, double* clipped_steps) {
  if (!kernels::is_finite_number(*sum_sq) && *diverged_at == 0.0)
    *diverged_at = static_cast<double>(step);
  const double clip = kernels::clip_factor(*sum_sq, max_norm);
  if (clip == 1.0) return;
  if (clipped_steps != nullptr) *clipped_steps += 1.0;
  const auto factor = static_cast<T>(clip);
  parallel_for(n, kGrain, [=](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      grads[i] *= factor;
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

}  // namespace recur::cpu
