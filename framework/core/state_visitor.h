// Resume state described once. Each stateful part of training (schedule, optimiser, best
// tracking, data position, carried state) lists its fields in describe_state(StateVisitor&); the
// same description saves them into a checkpoint and restores them from one, as ConfigVisitor does
// for configs, so that what is written and what is read cannot drift apart.
//
// A description runs the same code in both directions: to check a restored value against the
// present one (the same data, the same batch count), keep the present value in a local, describe
// the local, then compare.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/tensor.h"

namespace recur {

class StateVisitor {
 public:
  virtual ~StateVisitor() = default;

  // Fields named `name/field` (checkpoint keys such as "schedule/plateau_scale").
  virtual void section(const char* name, const std::function<void(StateVisitor&)>& body) = 0;
  virtual void field(const char* name, double& value) = 0;
  virtual void field(const char* name, int64_t& value) = 0;
  virtual void field(const char* name, bool& value) = 0;
  // Absent from the checkpoint while empty.
  virtual void field(const char* name, std::optional<double>& value) = 0;
  virtual void field(const char* name, std::string& value) = 0;
  // Restoring copies into `value` when it is defined (its shape must match), else replaces it.
  virtual void field(const char* name, Tensor& value) = 0;
  // True while restoring: for state that costs a collective to gather (carried RNN state), so a
  // description gathers only when saving and scatters only when restoring.
  virtual bool restoring() const = 0;
};

}  // namespace recur
