// Tape: reverse-mode autodiff by recording each op's backward as it runs forward.
//
// Ops take the tape explicitly (no hidden global graph). backward() runs the recorded closures in
// reverse order, once; then the tape is spent. A tape built with recording off is for inference:
// ops skip saving anything for backward and their outputs do not require gradients.
#pragma once

#include <functional>
#include <vector>

#include "autograd/var.h"

namespace recur {

class Tape {
 public:
  explicit Tape(bool recording = true) : recording_(recording) {}
  Tape(const Tape&) = delete;
  Tape& operator=(const Tape&) = delete;

  bool recording() const { return recording_; }
  // True when an op over `inputs` must record a backward: the tape records and an input needs it.
  bool needs_grad(const std::vector<const Var*>& inputs) const;
  // Records an op's backward, which accumulates into the gradients of `inputs` (null entries and
  // inputs without gradients are ignored).
  void record(const std::vector<const Var*>& inputs, std::function<void()> backward);

  // Called during backward() with a parameter's index as soon as its gradient is final: every op
  // that used the parameter has run its backward. Lets gradient all-reduce start early.
  using GradientReadyHook = std::function<void(int32_t parameter)>;
  void on_gradient_ready(GradientReadyHook hook) { hook_ = std::move(hook); }

  // Seeds d loss / d loss = 1 for a scalar loss and runs the tape backward.
  void backward(const Var& loss);
  // Seeds each root's gradient with the given tensor (same shape) and runs the tape backward.
  void backward(const std::vector<Var>& roots, const std::vector<Tensor>& seeds);

  size_t size() const { return entries_.size(); }
  void clear() { entries_.clear(); }

 private:
  void run_backward();

  struct Entry {
    std::function<void()> backward;
    std::vector<int32_t> parameters;  // parameter indices among the op's inputs
  };

  bool recording_;
  std::vector<Entry> entries_;
  std::vector<int32_t> pending_uses_;  // per parameter: recorded ops whose backward has not run
  GradientReadyHook hook_;
};

}  // namespace recur
