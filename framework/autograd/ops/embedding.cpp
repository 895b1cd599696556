#include "autograd/ops/embedding.h"

#include "autograd/ops/common.h"

namespace recur {

using ops_detail::dispatch;

Var embedding(Tape& tape, const Var& weight, const Tensor& ids) {
  RECUR_ASSERT(weight.shape().rank() == 2 && ids.dtype() == DType::I32, "embedding: weight ",
               weight.shape().str(), ", ids ", dtype_name(ids.dtype()));
  const int64_t vocab = weight.shape()[0], dim = weight.shape()[1], n = ids.numel();
  const Tensor host_ids = ids.on(Device::cpu());
  const int32_t* id = host_ids.data<int32_t>();
  for (int64_t i = 0; i < n; ++i) {
    RECUR_ASSERT(id[i] >= 0 && id[i] < vocab, "embedding: id ", id[i], " outside [0, ", vocab, ")");
  }
  std::vector<int64_t> dims = ids.shape().dims();
  dims.push_back(dim);
  const Device dev = weight.device();
  const Tensor device_ids = ids.on(dev);
  Tensor out = Tensor::empty(Shape(dims), weight.dtype(), dev);
  dispatch(weight, [&]<class T>() {
    kernels::embedding_forward<T>(dev, n, dim, device_ids.device_data<int32_t>(),
                                  weight.value().device_data<T>(), out.device_data<T>());
  });
  return ops_detail::output(tape, out, {&weight}, [=]<class T>(const Var& y) {
    kernels::embedding_backward<T>(dev, n, dim, device_ids.device_data<int32_t>(),
                                   y.grad().device_data<T>(),
                                   weight.grad_buffer().device_data<T>());
  });
}

}  // namespace recur
