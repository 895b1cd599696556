// GradientSync: lets a training task start gradient communication during its backward pass.
#pragma once

#include "autograd/tape.h"

namespace recur {

class GradientSync {
 public:
  virtual ~GradientSync() = default;
  // Called with the tape of a step's last micro-batch, before that tape's backward.
  virtual void attach(Tape& tape) = 0;
};

// For tasks run outside a data-parallel trainer (tests, benchmarks): nothing to synchronise.
class NoGradientSync final : public GradientSync {
 public:
  void attach(Tape&) override {}
};

}  // namespace recur
