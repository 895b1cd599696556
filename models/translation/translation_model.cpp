#include "translation/translation_model.h"

namespace recur {

Tensor select_rows(const Tensor& t, const std::vector<int64_t>& rows) {
  std::vector<int64_t> dims = t.shape().dims();
  const int64_t row_size = t.numel() / dims[0];
  dims[0] = static_cast<int64_t>(rows.size());
  Tensor out = Tensor::empty(Shape(dims), t.dtype(), t.device());
  for (size_t i = 0; i < rows.size(); ++i) {
    Tensor dst = out.view(static_cast<int64_t>(i) * row_size, {row_size});
    dst.copy_from(t.view(rows[i] * row_size, {row_size}));
  }
  return out;
}

Var select_rows(const Var& v, const std::vector<int64_t>& rows) {
  return v.defined() ? Var(select_rows(v.value(), rows)) : v;
}

}  // namespace recur
