#include "autograd/ops/embedding.h"

#include "autograd/ops/common.h"
#include "kernels/cpu/embedding.h"

namespace recur {

using ops_detail::dispatch;

Var embedding(Tape& tape, const Var& weight, const Tensor& ids) {
  RECUR_ASSERT(weight.shape().rank() == 2 && ids.dtype() == DType::I32, "embedding: weight ",
               weight.shape().str(), ", ids ", dtype_name(ids.dtype()));
  const int64_t vocab = weight.shape()[0], dim = weight.shape()[1], n = ids.numel();
  const int32_t* id = ids.data<int32_t>();
  for (int64_t i = 0; i < n; ++i) {
    RECUR_ASSERT(id[i] >= 0 && id[i] < vocab, "embedding: id ", id[i], " outside [0, ", vocab, ")");
  }
  std::vector<int64_t> dims = ids.shape().dims();
  dims.push_back(dim);
  Tensor out = Tensor::empty(Shape(dims), weight.dtype());
  dispatch(weight, [&]<class T>() {
    cpu::embedding_forward<T>(n, dim, id, weight.value().data<T>(), out.data<T>());
  });
  return ops_detail::output(tape, out, {&weight}, [=]<class T>(const Var& y) {
    cpu::embedding_backward<T>(n, dim, ids.data<int32_t>(), y.grad().data<T>(),
                               weight.grad_buffer().data<T>());
  });
}

}  // namespace recur
