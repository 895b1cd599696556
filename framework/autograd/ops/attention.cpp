#include "autograd/ops/attention.h"

#include "autograd/ops/common.h"

namespace recur {

using ops_detail::dispatch;

namespace {

template <class T>
AttentionWindow<T> window_of(const LocalWindow& w) {
  if (!w.center.defined()) return {};
  return {w.center.value().device_data<T>(), w.half_width};
}

}  // namespace

AttentionOutputs attention_step(Tape& tape, const Var& query, const Var& keys, const Var& values,
                                const Tensor& lengths, AttentionScore score, const Var& v,
                                const LocalWindow& window) {
  RECUR_ASSERT(query.shape().rank() == 2 && keys.shape().rank() == 3 && values.shape().rank() == 3,
               "attention_step: query ", query.shape().str(), ", keys ", keys.shape().str(),
               ", values ", values.shape().str());
  const AttentionDims d{query.shape()[0], keys.shape()[1], query.shape()[1], values.shape()[2]};
  RECUR_ASSERT(keys.shape() == Shape({d.batch, d.source, d.key}) && values.shape()[0] == d.batch &&
                   values.shape()[1] == d.source && lengths.numel() == d.batch &&
                   lengths.dtype() == DType::I32,
               "attention_step: keys ", keys.shape().str(), " and values ", values.shape().str(),
               " for query ", query.shape().str());
  const bool additive = score == AttentionScore::Additive;
  RECUR_ASSERT(!additive || (v.defined() && v.shape() == Shape({d.key})), "attention_step: v");
  const Var& center = window.center;
  RECUR_ASSERT(!center.defined() || (center.shape() == Shape({d.batch}) && window.half_width >= 1),
               "attention_step: a local window needs a centre per row and a half width >= 1");
  if (center.defined()) ops_detail::check_same_dtype(query, center, "attention_step");
  const Device dev = ops_detail::device_of({&query, &keys, &values, &v, &center}, "attention_step");
  const Tensor source_lengths = lengths.on(dev);
  Tensor weights = Tensor::empty({d.batch, d.source}, query.dtype(), dev);
  Tensor context = Tensor::empty({d.batch, d.value}, query.dtype(), dev);
  dispatch(query, [&]<class T>() {
    kernels::attention_forward<T>(
        dev, score, d, query.value().device_data<T>(), keys.value().device_data<T>(),
        values.value().device_data<T>(), source_lengths.device_data<int32_t>(),
        additive ? v.value().device_data<T>() : nullptr, window_of<T>(window),
        weights.device_data<T>(), context.device_data<T>());
  });
  AttentionOutputs out;
  out.weights = weights;
  out.context = ops_detail::output(
      tape, context, {&query, &keys, &values, additive ? &v : nullptr, &center},
      [=]<class T>(const Var& y) {
        auto grad = [](const Var& x) {
          return x.requires_grad() ? x.grad_buffer().device_data<T>() : nullptr;
        };
        kernels::attention_backward<T>(
            dev, score, d, query.value().device_data<T>(), keys.value().device_data<T>(),
            values.value().device_data<T>(), source_lengths.device_data<int32_t>(),
            additive ? v.value().device_data<T>() : nullptr, window_of<T>(window),
            weights.device_data<T>(), y.grad().device_data<T>(), grad(query), grad(keys),
            grad(values), additive ? grad(v) : nullptr,
            window.center.defined() ? grad(window.center) : nullptr);
      });
  return out;
}

}  // namespace recur
