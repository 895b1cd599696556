// Optimisers over the flat parameter and gradient buffers of a ParameterStore: one fused update
// per step over the whole buffer, state in flat buffers of the same layout.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/state_visitor.h"
#include "nn/parameters.h"

namespace recur {

class Optimizer {
 public:
  explicit Optimizer(ParameterStore& store) : store_(store) {}
  virtual ~Optimizer() = default;

  // One update with learning rate lr from the gradients in store.grads().
  virtual void step(double lr) = 0;
  // Flat state buffers (same layout as the parameters), by name, for checkpoints.
  virtual std::vector<std::pair<std::string, Tensor>> state() const = 0;
  // What a checkpoint holds besides the state buffers: the number of updates already made.
  void describe_state(StateVisitor& v) {
    v.section("optimizer", [&](StateVisitor& s) { s.field("steps", steps_); });
  }

 protected:
  ParameterStore& store_;
  int64_t steps_ = 0;
};

struct SgdOptions {
  double momentum = 0.0;
  double weight_decay = 0.0;
  bool nesterov = false;
};

class Sgd final : public Optimizer {
 public:
  Sgd(ParameterStore& store, const SgdOptions& options);
  void step(double lr) override;
  std::vector<std::pair<std::string, Tensor>> state() const override;

 private:
  SgdOptions options_;
  Tensor momentum_;  // undefined without momentum
};

struct AdamOptions {
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
  bool decoupled_weight_decay = false;  // AdamW
};

class Adam final : public Optimizer {
 public:
  Adam(ParameterStore& store, const AdamOptions& options);
  void step(double lr) override;
  std::vector<std::pair<std::string, Tensor>> state() const override;

 private:
  AdamOptions options_;
  Tensor exp_avg_, exp_avg_sq_;
};

// L2 norm of all gradients; if max_norm > 0 and the norm exceeds it, scales them to max_norm (as
// torch.nn.utils.clip_grad_norm_). Returns the norm before clipping.
double clip_grad_norm(ParameterStore& store, double max_norm);

}  // namespace recur
