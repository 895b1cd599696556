#include "autograd/ops/negative_sampling.h"

#include <algorithm>

#include "autograd/ops/common.h"

namespace recur {

using ops_detail::dispatch;

namespace {

int64_t count_pairs(const Tensor& host_weights) {
  int64_t pairs = 0;
  dispatch_float(host_weights.dtype(), [&]<class T>() {
    const T* w = host_weights.data<T>();
    pairs = std::count_if(w, w + host_weights.numel(), [](T x) { return x != T(0); });
  });
  return pairs;
}

}  // namespace

NegativeSamplingResult negative_sampling_loss(Tape& tape, const Var& centres, const Var& candidates,
                                              const Tensor& weights, double normalizer) {
  const Shape& cs = candidates.shape();
  RECUR_ASSERT(centres.shape().rank() == 2 && cs.rank() == 4 && cs[0] == centres.shape()[0] &&
                   cs[3] == centres.shape()[1] && weights.shape() == Shape({cs[0], cs[1]}),
               "negative_sampling_loss: centres ", centres.shape().str(), ", candidates ", cs.str(),
               ", weights ", weights.shape().str());
  ops_detail::check_same_dtype(centres, candidates, "negative_sampling_loss");
  RECUR_ASSERT(weights.dtype() == centres.dtype(), "negative_sampling_loss: weights of dtype ",
               dtype_name(weights.dtype()));
  const int64_t batch = cs[0], slots = cs[1], samples = cs[2], dim = cs[3];
  const Device dev = ops_detail::device_of({&centres, &candidates}, "negative_sampling_loss");
  NegativeSamplingResult result;
  result.pairs = count_pairs(weights.on(Device::cpu()));
  const double inv_normalizer =
      1.0 /
      (normalizer > 0 ? normalizer : std::max<double>(1.0, static_cast<double>(result.pairs)));
  const Tensor device_weights = weights.on(dev);
  Tensor sigmoids = Tensor::empty({batch, slots, samples}, centres.dtype(), dev);
  Tensor loss = Tensor::empty({1}, centres.dtype(), dev);
  result.nll = Tensor::empty({1}, DType::F64, dev);
  dispatch(centres, [&]<class T>() {
    kernels::negative_sampling_forward<T>(
        dev, batch, slots, samples, dim, centres.value().device_data<T>(),
        candidates.value().device_data<T>(), device_weights.device_data<T>(), inv_normalizer,
        sigmoids.device_data<T>(), loss.device_data<T>(), result.nll.device_data<double>());
  });
  result.loss = ops_detail::output(tape, loss, {&centres, &candidates}, [=]<class T>(const Var& y) {
    auto grad_of = [](const Var& v) -> T* {
      return v.requires_grad() ? v.grad_buffer().device_data<T>() : nullptr;
    };
    kernels::negative_sampling_backward<T>(
        dev, batch, slots, samples, dim, centres.value().device_data<T>(),
        candidates.value().device_data<T>(), device_weights.device_data<T>(),
        sigmoids.device_data<T>(), y.grad().device_data<T>(), inv_normalizer, grad_of(centres),
        grad_of(candidates));
  });
  return result;
}

}  // namespace recur
