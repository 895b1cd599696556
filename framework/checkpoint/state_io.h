// The two directions of a StateVisitor over a checkpoint's TrainingState: StateSaver writes each
// described field under its joined name (section/field), StateLoader reads it back. Numbers are
// scalars (integers and flags exact as doubles), strings are texts, tensors are tensors: the
// layout of state.h5 described in docs/checkpoint-format.md.
#pragma once

#include <string>

#include "checkpoint/checkpoint.h"
#include "core/state_visitor.h"

namespace recur {

// Shared by both directions: the section prefix of the fields being visited.
class StateKeys : public StateVisitor {
 public:
  void section(const char* name, const std::function<void(StateVisitor&)>& body) override;

 protected:
  std::string key(const char* name) const { return prefix_ + name; }

 private:
  std::string prefix_;
};

class StateSaver final : public StateKeys {
 public:
  explicit StateSaver(TrainingState& state) : state_(state) {}
  void field(const char* name, double& value) override;
  void field(const char* name, int64_t& value) override;
  void field(const char* name, bool& value) override;
  void field(const char* name, std::optional<double>& value) override;
  void field(const char* name, std::string& value) override;
  void field(const char* name, Tensor& value) override;
  bool restoring() const override { return false; }

 private:
  TrainingState& state_;
};

// A field missing from the state is an Error naming it and `origin` (the checkpoint).
class StateLoader final : public StateKeys {
 public:
  StateLoader(const TrainingState& state, std::string origin)
      : state_(state), origin_(std::move(origin)) {}
  void field(const char* name, double& value) override;
  void field(const char* name, int64_t& value) override;
  void field(const char* name, bool& value) override;
  void field(const char* name, std::optional<double>& value) override;
  void field(const char* name, std::string& value) override;
  void field(const char* name, Tensor& value) override;
  bool restoring() const override { return true; }

 private:
  double scalar(const std::string& key) const;

  const TrainingState& state_;
  std::string origin_;
};

}  // namespace recur
