// Var: a tensor in the autodiff graph, with its gradient.
//
// A Var is a shared handle; copies refer to the same value and gradient. Parameters are Vars whose
// value and gradient are views into the model's flat buffers, so backward passes accumulate
// straight into the buffer that optimisers and all-reduce work on.
#pragma once

#include <memory>

#include "core/tensor.h"

namespace recur {

class Var {
 public:
  Var() = default;
  explicit Var(Tensor value, bool requires_grad = false);
  // Parameter number `index` of its store: gradients accumulate into `grad` (a preallocated view).
  static Var parameter(Tensor value, Tensor grad, int32_t index);

  bool defined() const { return node_ != nullptr; }
  const Tensor& value() const { return node_->value; }
  Tensor& mutable_value() { return node_->value; }
  const Shape& shape() const { return node_->value.shape(); }
  DType dtype() const { return node_->value.dtype(); }
  Device device() const { return node_->value.device(); }
  bool requires_grad() const { return node_ && node_->requires_grad; }
  // Index in its ParameterStore for parameters, -1 for every other Var.
  int32_t parameter_index() const { return node_ ? node_->parameter_index : -1; }

  // The gradient; undefined until something flowed into it.
  const Tensor& grad() const { return node_->grad; }
  bool has_grad() const { return node_->grad.defined(); }
  // The gradient buffer for accumulation, zero-filled when first needed.
  Tensor& grad_buffer() const;
  // Sets an existing gradient to zero (keeps the buffer: parameters' gradients are views).
  void zero_grad() const;

  // Same value, cut from the graph: no gradient flows back through the result.
  Var detach() const { return Var(node_->value, false); }
  bool same_as(const Var& other) const { return node_ == other.node_; }

 private:
  struct Node {
    Tensor value;
    Tensor grad;
    bool requires_grad = false;
    int32_t parameter_index = -1;
  };
  std::shared_ptr<Node> node_;
};

}  // namespace recur
