#include "autograd/tape.h"

namespace recur {

Var::Var(Tensor value, bool requires_grad) : node_(std::make_shared<Node>()) {
  node_->value = std::move(value);
  node_->requires_grad = requires_grad;
}

Var Var::parameter(Tensor value, Tensor grad, int32_t index) {
  RECUR_ASSERT(value.shape() == grad.shape(), "parameter ", value.shape().str(), " with gradient ",
               grad.shape().str());
  RECUR_ASSERT(index >= 0, "parameter index ", index);
  Var v(std::move(value), true);
  v.node_->grad = std::move(grad);
  v.node_->parameter_index = index;
  return v;
}

Tensor& Var::grad_buffer() const {
  if (!node_->grad.defined()) {
    node_->grad = Tensor::zeros(node_->value.shape(), node_->value.dtype(), node_->value.device());
  }
  return node_->grad;
}

void Var::zero_grad() const {
  if (node_->grad.defined()) node_->grad.zero();
}

bool Tape::needs_grad(const std::vector<const Var*>& inputs) const {
  if (!recording_) return false;
  for (const Var* v : inputs) {
    if (v != nullptr && v->requires_grad()) return true;
  }
  return false;
}

void Tape::record(const std::vector<const Var*>& inputs, std::function<void()> backward) {
  RECUR_ASSERT(recording_, "recording on an inference tape");
  Entry entry{std::move(backward), {}};
  for (const Var* v : inputs) {
    if (v == nullptr || !v->requires_grad() || v->parameter_index() < 0) continue;
    const auto index = static_cast<size_t>(v->parameter_index());
    if (pending_uses_.size() <= index) pending_uses_.resize(index + 1, 0);
    pending_uses_[index] += 1;
    entry.parameters.push_back(v->parameter_index());
  }
  entries_.push_back(std::move(entry));
}

void Tape::backward(const Var& loss) {
  RECUR_CHECK(loss.value().numel() == 1, "backward(loss) needs a scalar loss, got shape ",
              loss.shape().str());
  backward({loss}, {Tensor::full(loss.shape(), loss.dtype(), 1.0)});
}

void Tape::backward(const std::vector<Var>& roots, const std::vector<Tensor>& seeds) {
  RECUR_ASSERT(roots.size() == seeds.size(), "backward: ", roots.size(), " roots, ", seeds.size(),
               " seeds");
  for (size_t i = 0; i < roots.size(); ++i) {
    Var root = roots[i];
    RECUR_ASSERT(root.requires_grad(), "backward from a Var that does not require grad");
    Tensor& grad = root.grad_buffer();
    RECUR_ASSERT(grad.shape() == seeds[i].shape(), "seed ", seeds[i].shape().str(), " for ",
                 grad.shape().str());
    grad.copy_from(seeds[i]);
  }
  run_backward();
}

void Tape::run_backward() {
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    it->backward();
    for (int32_t p : it->parameters) {
      if (--pending_uses_[static_cast<size_t>(p)] == 0 && hook_) hook_(p);
    }
  }
  entries_.clear();
  pending_uses_.clear();
}

}  // namespace recur
