#include "autograd/ops/embedding.h"

#include "autograd/ops/common.h"
#include "kernels/id_groups.h"

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
  if (!tape.needs_grad({&weight})) return Var(out);
  // The positions grouped by id, from the host's ids, for the gradient (kernels/id_groups.h).
  const kernels::IdGroups groups = kernels::group_ids(id, n);
  const int64_t group_count = groups.groups();
  const Tensor order = Tensor::from_vector(groups.order, {n}).on(dev);
  const Tensor starts = Tensor::from_vector(groups.starts, {group_count + 1}).on(dev);
  return ops_detail::output(tape, out, {&weight}, [=]<class T>(const Var& y) {
    kernels::embedding_backward<T>(dev, group_count, dim, device_ids.device_data<int32_t>(),
                                   order.device_data<int32_t>(), starts.device_data<int32_t>(),
                                   y.grad().device_data<T>(),
                                   weight.grad_buffer().device_data<T>());
  });
}

}  // namespace recur
