// Tape: reverse-mode autodiff by recording each op's backward as it runs forward.
//
// Ops take the tape explicitly (no hidden global graph). backward() runs the recorded closures in
// reverse order, once; then the tape is spent. A tape built with recording off is for inference:
// ops skip saving anything for backward and their outputs do not require gradients.
#pragma once

#include <functional>
#include <initializer_list>
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
  bool needs_grad(std::initializer_list<const Var*> inputs) const;
  bool needs_grad(const std::vector<Var>& inputs) const;
  void record(std::function<void()> backward);

  // Seeds d loss / d loss = 1 for a scalar loss and runs the tape backward.
  void backward(const Var& loss);
  // Seeds each root's gradient with the given tensor (same shape) and runs the tape backward.
  void backward(const std::vector<Var>& roots, const std::vector<Tensor>& seeds);

  size_t size() const { return entries_.size(); }
  void clear() { entries_.clear(); }

 private:
  void run_backward();

  bool recording_;
  std::vector<std::function<void()>> entries_;
};

}  // namespace recur
