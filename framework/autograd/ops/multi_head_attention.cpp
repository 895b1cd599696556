#include "autograd/ops/multi_head_attention.h"

#include "autograd/ops/common.h"

namespace recur {

using ops_detail::dispatch;

namespace {

MultiHeadDims dims_of(const Var& q, const Var& k, const Var& v, const Tensor& key_lengths,
                      int64_t heads, bool causal) {
  const char* op = "multi_head_attention";
  RECUR_ASSERT(q.shape().rank() == 3 && k.shape().rank() == 3 && v.shape().rank() == 3, op, ": q ",
               q.shape().str(), ", k ", k.shape().str(), ", v ", v.shape().str());
  ops_detail::check_same_dtype(q, k, op);
  ops_detail::check_same_dtype(q, v, op);
  MultiHeadDims d;
  d.batch = q.shape()[0];
  d.queries = q.shape()[1];
  d.keys = k.shape()[1];
  d.heads = heads;
  RECUR_ASSERT(heads > 0 && q.shape()[2] % heads == 0 && v.shape()[2] % heads == 0, op, ": ", heads,
               " heads for q ", q.shape().str(), " and v ", v.shape().str());
  d.key_dim = q.shape()[2] / heads;
  d.value_dim = v.shape()[2] / heads;
  d.causal = causal;
  RECUR_ASSERT(k.shape() == Shape({d.batch, d.keys, heads * d.key_dim}) &&
                   v.shape()[0] == d.batch && v.shape()[1] == d.keys,
               op, ": k ", k.shape().str(), " and v ", v.shape().str(), " for q ", q.shape().str());
  RECUR_ASSERT(key_lengths.numel() == d.batch && key_lengths.dtype() == DType::I32, op,
               ": key lengths ", key_lengths.shape().str(), " for a batch of ", d.batch);
  RECUR_ASSERT(!causal || d.queries <= d.keys, op, ": causal with ", d.queries, " queries and ",
               d.keys, " keys");
  return d;
}

}  // namespace

MultiHeadAttentionOutputs multi_head_attention(Tape& tape, const Var& q, const Var& k, const Var& v,
                                               const Tensor& key_lengths, int64_t heads,
                                               bool causal) {
  const MultiHeadDims d = dims_of(q, k, v, key_lengths, heads, causal);
  const Device dev = ops_detail::device_of({&q, &k, &v}, "multi_head_attention");
  const Tensor lengths = key_lengths.on(dev);
  Tensor probs = Tensor::empty({d.batch, d.heads, d.queries, d.keys}, q.dtype(), dev);
  Tensor out = Tensor::empty({d.batch, d.queries, d.heads * d.value_dim}, q.dtype(), dev);
  dispatch(q, [&]<class T>() {
    kernels::multi_head_attention_forward<T>(
        dev, d, q.value().device_data<T>(), k.value().device_data<T>(), v.value().device_data<T>(),
        lengths.device_data<int32_t>(), probs.device_data<T>(), out.device_data<T>());
  });
  MultiHeadAttentionOutputs result;
  result.probs = probs;
  result.out = ops_detail::output(tape, out, {&q, &k, &v}, [=]<class T>(const Var& y) {
    auto grad = [](const Var& x) {
      return x.requires_grad() ? x.grad_buffer().device_data<T>() : nullptr;
    };
    kernels::multi_head_attention_backward<T>(
        dev, d, q.value().device_data<T>(), k.value().device_data<T>(), v.value().device_data<T>(),
        probs.device_data<T>(), y.grad().device_data<T>(), grad(q), grad(k), grad(v));
  });
  return result;
}

}  // namespace recur
