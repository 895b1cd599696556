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

  // One update with learning rate lr from the gradients in store.grads(), of the trainable
  // parameters (ParameterStore::trainable_size()).
  void step(double lr) { update(lr, nullptr); }
  // The same, skipped on the device while `skip_if_set` (f64 (1) on the parameters' device, the
  // diverged_at of clip_grad_norm) is not 0: the host never reads the gradient norm to decide.
  void step(double lr, const Tensor& skip_if_set);
  // Flat state buffers (same layout as the parameters), by name, for checkpoints.
  virtual std::vector<std::pair<std::string, Tensor>> state() const = 0;
  // What a checkpoint holds besides the state buffers: the number of updates already made.
  void describe_state(StateVisitor& v) {
    v.section("optimizer", [&](StateVisitor& s) { s.field("steps", steps_); });
  }

 protected:
  virtual void update(double lr, const double* skip) = 0;

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
  std::vector<std::pair<std::string, Tensor>> state() const override;

 private:
  void update(double lr, const double* skip) override;

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
  std::vector<std::pair<std::string, Tensor>> state() const override;

 private:
  void update(double lr, const double* skip) override;

  AdamOptions options_;
  Tensor exp_avg_, exp_avg_sq_;
};

// Clips the gradients as torch.nn.utils.clip_grad_norm_ (when max_norm > 0 and their L2 norm
// exceeds it, scales them to max_norm) without the host reading the norm: returns the sum of their
// squares before clipping (f64 (1), on their device; the norm is its square root). A norm that is
// not finite leaves the gradients alone and sets diverged_at (f64 (1) there), if still 0, to
// `step`, which skips the updates of Optimizer::step(lr, diverged_at) from then on. When the
// gradients are scaled, clipped_steps (f64 (1) there, or null) grows by 1.
Tensor clip_grad_norm(ParameterStore& store, double max_norm, int64_t step, Tensor& diverged_at,
                      Tensor* clipped_steps = nullptr);

}  // namespace recur
