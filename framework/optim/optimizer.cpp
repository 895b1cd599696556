#include "optim/optimizer.h"

#include <cmath>

#include "kernels/dispatch.h"

namespace recur {

Sgd::Sgd(ParameterStore& store, const SgdOptions& options) : Optimizer(store), options_(options) {
  if (options.momentum != 0.0) {
    momentum_ =
        Tensor::zeros(store.values().shape(), store.values().dtype(), store.values().device());
  }
}

void Sgd::step(double lr) {
  steps_ += 1;
  Tensor& values = store_.values();
  dispatch_float(values.dtype(), [&]<class T>() {
    kernels::sgd_update<T>(values.device(), values.numel(), values.device_data<T>(),
                           store_.grads().device_data<T>(),
                           momentum_.defined() ? momentum_.device_data<T>() : nullptr, lr,
                           options_.momentum, options_.weight_decay, options_.nesterov);
  });
}

std::vector<std::pair<std::string, Tensor>> Sgd::state() const {
  if (!momentum_.defined()) return {};
  return {{"momentum", momentum_}};
}

Adam::Adam(ParameterStore& store, const AdamOptions& options)
    : Optimizer(store),
      options_(options),
      exp_avg_(
          Tensor::zeros(store.values().shape(), store.values().dtype(), store.values().device())),
      exp_avg_sq_(
          Tensor::zeros(store.values().shape(), store.values().dtype(), store.values().device())) {}

void Adam::step(double lr) {
  steps_ += 1;
  Tensor& values = store_.values();
  dispatch_float(values.dtype(), [&]<class T>() {
    kernels::adam_update<T>(
        values.device(), values.numel(), values.device_data<T>(), store_.grads().device_data<T>(),
        exp_avg_.device_data<T>(), exp_avg_sq_.device_data<T>(), lr, options_.beta1, options_.beta2,
        options_.eps, options_.weight_decay, options_.decoupled_weight_decay, steps_);
  });
}

std::vector<std::pair<std::string, Tensor>> Adam::state() const {
  return {{"exp_avg", exp_avg_}, {"exp_avg_sq", exp_avg_sq_}};
}

double clip_grad_norm(ParameterStore& store, double max_norm) {
  Tensor& grads = store.grads();
  return dispatch_float(grads.dtype(), [&]<class T>() {
    const double norm =
        std::sqrt(kernels::sum_squares<T>(grads.device(), grads.numel(), grads.device_data<T>()));
    const double factor = max_norm / (norm + 1e-6);
    if (max_norm > 0.0 && factor < 1.0) {
      kernels::scale<T>(grads.device(), grads.numel(), static_cast<T>(factor),
                        grads.device_data<T>());
    }
    return norm;
  });
}

}  // namespace recur
