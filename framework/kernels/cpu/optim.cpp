#include "kernels/cpu/optim.h"

#include "core/threads.h"
#include "kernels/optim_math.h"

namespace recur::cpu {

namespace {
constexpr int64_t kGrain = 1 << 15;
}

template <class T>
void sgd_update(int64_t n, T* param, const T* grad, T* momentum_buf, double lr, double momentum,
                double weight_decay, bool nesterov) {
  const auto c = kernels::sgd_coefficients<T>(lr, momentum, weight_decay, nesterov);
  parallel_for(n, kGrain, [=](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      kernels::sgd_element(i, c, param, grad, momentum_buf);
  });
}

template <class T>
void adam_update(int64_t n, T* param, const T* grad, T* exp_avg, T* exp_avg_sq, double lr,
                 double beta1, double beta2, double eps, double weight_decay, bool decoupled,
                 int64_t step) {
  const auto c =
      kernels::adam_coefficients<T>(lr, beta1, beta2, eps, weight_decay, decoupled, step);
  parallel_for(n, kGrain, [=](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      kernels::adam_element(i, c, param, grad, exp_avg, exp_avg_sq);
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

}  // namespace recur::cpu
