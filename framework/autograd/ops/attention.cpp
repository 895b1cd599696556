#include "autograd/ops/attention.h"

#include "autograd/ops/common.h"

namespace recur {

using ops_detail::dispatch;

AttentionOutputs attention_step(Tape& tape, const Var& query, const Var& keys, const Var& values,
                                const Tensor& lengths, cpu::AttentionScore score, const Var& v) {
  RECUR_ASSERT(query.shape().rank() == 2 && keys.shape().rank() == 3 && values.shape().rank() == 3,
               "attention_step: query ", query.shape().str(), ", keys ", keys.shape().str(),
               ", values ", values.shape().str());
  const cpu::AttentionDims d{query.shape()[0], keys.shape()[1], query.shape()[1],
                             values.shape()[2]};
  RECUR_ASSERT(keys.shape() == Shape({d.batch, d.source, d.key}) && values.shape()[0] == d.batch &&
                   values.shape()[1] == d.source && lengths.numel() == d.batch &&
                   lengths.dtype() == DType::I32,
               "attention_step: keys ", keys.shape().str(), " and values ", values.shape().str(),
               " for query ", query.shape().str());
  const bool additive = score == cpu::AttentionScore::Additive;
  RECUR_ASSERT(!additive || (v.defined() && v.shape() == Shape({d.key})), "attention_step: v");
  Tensor weights = Tensor::empty({d.batch, d.source}, query.dtype());
  Tensor context = Tensor::empty({d.batch, d.value}, query.dtype());
  dispatch(query, [&]<class T>() {
    cpu::attention_forward<T>(score, d, query.value().data<T>(), keys.value().data<T>(),
                              values.value().data<T>(), lengths.data<int32_t>(),
                              additive ? v.value().data<T>() : nullptr, weights.data<T>(),
                              context.data<T>());
  });
  AttentionOutputs out;
  out.weights = weights;
  out.context = ops_detail::output(
      tape, context, {&query, &keys, &values, additive ? &v : nullptr}, [=]<class T>(const Var& y) {
        auto grad = [](const Var& x) {
          return x.requires_grad() ? x.grad_buffer().data<T>() : nullptr;
        };
        cpu::attention_backward<T>(score, d, query.value().data<T>(), keys.value().data<T>(),
                                   values.value().data<T>(), lengths.data<int32_t>(),
                                   additive ? v.value().data<T>() : nullptr, weights.data<T>(),
                                   y.grad().data<T>(), grad(query), grad(keys), grad(values),
                                   additive ? grad(v) : nullptr);
      });
  return out;
}

}  // namespace recur
