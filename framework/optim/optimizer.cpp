#include "optim/optimizer.h"

#include <cmath>

#include "kernels/cpu/elementwise.h"
#include "kernels/cpu/optim.h"

namespace recur {

Sgd::Sgd(ParameterStore& store, const SgdOptions& options) : Optimizer(store), options_(options) {
  if (options.momentum != 0.0) {
    momentum_ = Tensor::zeros(store.values().shape(), store.values().dtype());
  }
}

void Sgd::step(double lr) {
  steps_ += 1;
  Tensor& values = store_.values();
  dispatch_float(values.dtype(), [&]<class T>() {
    cpu::sgd_update<T>(values.numel(), values.data<T>(), store_.grads().data<T>(),
                       momentum_.defined() ? momentum_.data<T>() : nullptr, lr, options_.momentum,
                       options_.weight_decay, options_.nesterov);
  });
}

std::vector<std::pair<std::string, Tensor>> Sgd::state() const {
  if (!momentum_.defined()) return {};
  return {{"momentum", momentum_}};
}

Adam::Adam(ParameterStore& store, const AdamOptions& options)
    : Optimizer(store),
      options_(options),
      exp_avg_(Tensor::zeros(store.values().shape(), store.values().dtype())),
      exp_avg_sq_(Tensor::zeros(store.values().shape(), store.values().dtype())) {}

void Adam::step(double lr) {
  steps_ += 1;
  Tensor& values = store_.values();
  dispatch_float(values.dtype(), [&]<class T>() {
    cpu::adam_update<T>(values.numel(), values.data<T>(), store_.grads().data<T>(),
                        exp_avg_.data<T>(), exp_avg_sq_.data<T>(), lr, options_.beta1,
                        options_.beta2, options_.eps, options_.weight_decay,
                        options_.decoupled_weight_decay, steps_);
  });
}

std::vector<std::pair<std::string, Tensor>> Adam::state() const {
  return {{"exp_avg", exp_avg_}, {"exp_avg_sq", exp_avg_sq_}};
}

double clip_grad_norm(ParameterStore& store, double max_norm) {
  Tensor& grads = store.grads();
  return dispatch_float(grads.dtype(), [&]<class T>() {
    const double norm = std::sqrt(cpu::sum_squares<T>(grads.numel(), grads.data<T>()));
    const double factor = max_norm / (norm + 1e-6);
    if (max_norm > 0.0 && factor < 1.0) {
      cpu::scale<T>(grads.numel(), static_cast<T>(factor), grads.data<T>());
    }
    return norm;
  });
}

}  // namespace recur
