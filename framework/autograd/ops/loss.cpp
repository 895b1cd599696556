#include "autograd/ops/loss.h"

#include "autograd/ops/common.h"

namespace recur {

using ops_detail::dispatch;

namespace {

template <bool kLog>
Var softmax_op(Tape& tape, const Var& x) {
  const int64_t cols = x.shape().back(), rows = x.shape().rows();
  const Device dev = x.device();
  Tensor out = Tensor::empty(x.shape(), x.dtype(), dev);
  dispatch(x, [&]<class T>() {
    if constexpr (kLog) {
      kernels::log_softmax_forward<T>(dev, rows, cols, x.value().device_data<T>(),
                                      out.device_data<T>());
    } else {
      kernels::softmax_forward<T>(dev, rows, cols, x.value().device_data<T>(),
                                  out.device_data<T>());
    }
  });
  return ops_detail::output(tape, out, {&x}, [=]<class T>(const Var& y) {
    const T *yv = y.value().device_data<T>(), *dy = y.grad().device_data<T>();
    T* dx = x.grad_buffer().device_data<T>();
    if constexpr (kLog) {
      kernels::log_softmax_backward<T>(dev, rows, cols, yv, dy, dx);
    } else {
      kernels::softmax_backward<T>(dev, rows, cols, yv, dy, dx);
    }
  });
}

}  // namespace

Var softmax(Tape& tape, const Var& x) {
  return softmax_op<false>(tape, x);
}
Var log_softmax(Tape& tape, const Var& x) {
  return softmax_op<true>(tape, x);
}

CrossEntropyResult cross_entropy(Tape& tape, const Var& logits, const Tensor& targets,
                                 const CrossEntropyOptions& options) {
  const int64_t cols = logits.shape().back(), rows = logits.shape().rows();
  RECUR_ASSERT(targets.dtype() == DType::I32 && targets.numel() == rows,
               "cross_entropy: ", targets.numel(), " targets for logits ", logits.shape().str());
  CrossEntropyResult result;
  const Tensor host_targets = targets.on(Device::cpu());
  const int32_t* ids = host_targets.data<int32_t>();
  for (int64_t r = 0; r < rows; ++r) {
    if (ids[r] == options.ignore_index) continue;
    RECUR_ASSERT(ids[r] >= 0 && ids[r] < cols, "cross_entropy: target ", ids[r], " outside [0, ",
                 cols, ")");
    result.count += 1;
  }
  const Device dev = logits.device();
  const Tensor device_targets = targets.on(dev);
  const double inv_normalizer =
      1.0 / (options.normalizer > 0 ? options.normalizer
                                    : std::max<double>(1.0, static_cast<double>(result.count)));
  Tensor probs = Tensor::empty(logits.shape(), logits.dtype(), dev);
  Tensor loss_value = Tensor::empty({1}, logits.dtype(), dev);
  result.nll = Tensor::empty({1}, DType::F64, dev);
  dispatch(logits, [&]<class T>() {
    kernels::cross_entropy_forward<T>(
        dev, rows, cols, logits.value().device_data<T>(), device_targets.device_data<int32_t>(),
        options.ignore_index, options.label_smoothing, inv_normalizer, probs.device_data<T>(),
        loss_value.device_data<T>(), result.nll.device_data<double>());
  });
  result.loss = ops_detail::output(tape, loss_value, {&logits}, [=]<class T>(const Var& loss) {
    kernels::cross_entropy_backward<T>(dev, rows, cols, probs.device_data<T>(),
                                       device_targets.device_data<int32_t>(), options.ignore_index,
                                       options.label_smoothing, loss.grad().device_data<T>(),
                                       inv_normalizer, logits.grad_buffer().device_data<T>());
  });
  return result;
}

}  // namespace recur
