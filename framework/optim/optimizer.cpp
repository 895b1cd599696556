#include "optim/optimizer.h"

#include "kernels/dispatch.h"

namespace recur {

Sgd::Sgd(ParameterStore& store, const SgdOptions& options) : Optimizer(store), options_(options) {
  if (options.momentum != 0.0) {
    momentum_ =
        Tensor::zeros(store.values().shape(), store.values().dtype(), store.values().device());
  }
}

void Optimizer::step(double lr, const Tensor& skip_if_set) {
  RECUR_ASSERT(skip_if_set.dtype() == DType::F64 && skip_if_set.numel() == 1 &&
                   skip_if_set.device() == store_.values().device(),
               "an update gate is one f64 on the parameters' device");
  update(lr, skip_if_set.device_data<double>());
}

void Sgd::update(double lr, const double* skip) {
  steps_ += 1;
  Tensor& values = store_.values();
  dispatch_float(values.dtype(), [&]<class T>() {
    kernels::sgd_update<T>(values.device(), store_.trainable_size(), values.device_data<T>(),
                           store_.grads().device_data<T>(),
                           momentum_.defined() ? momentum_.device_data<T>() : nullptr, lr,
                           options_.momentum, options_.weight_decay, options_.nesterov, skip);
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

void Adam::update(double lr, const double* skip) {
  steps_ += 1;
  Tensor& values = store_.values();
  dispatch_float(values.dtype(), [&]<class T>() {
    kernels::adam_update<T>(values.device(), store_.trainable_size(), values.device_data<T>(),
                            store_.grads().device_data<T>(), exp_avg_.device_data<T>(),
                            exp_avg_sq_.device_data<T>(), lr, options_.beta1, options_.beta2,
                            options_.eps, options_.weight_decay, options_.decoupled_weight_decay,
                            steps_, skip);
  });
}

std::vector<std::pair<std::string, Tensor>> Adam::state() const {
  return {{"exp_avg", exp_avg_}, {"exp_avg_sq", exp_avg_sq_}};
}

Tensor clip_grad_norm(ParameterStore& store, double max_norm, int64_t step, Tensor& diverged_at,
                      Tensor* clipped_steps) {
  Tensor& grads = store.grads();
  const Device device = grads.device();
  RECUR_ASSERT(diverged_at.dtype() == DType::F64 && diverged_at.numel() == 1 &&
                   diverged_at.device() == device,
               "diverged_at is one f64 on the gradients' device");
  Tensor sum_sq = Tensor::empty({1}, DType::F64, device);
  dispatch_float(grads.dtype(), [&]<class T>() {
    kernels::sum_squares<T>(device, store.trainable_size(), grads.device_data<T>(),
                            sum_sq.device_data<double>());
    kernels::clip_gradients<T>(
        device, store.trainable_size(), grads.device_data<T>(), sum_sq.device_data<double>(),
        max_norm, step, diverged_at.device_data<double>(),
        clipped_steps != nullptr ? clipped_steps->device_data<double>() : nullptr);
  });
  return sum_sq;
}

}  // namespace recur
