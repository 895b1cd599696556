// Learning-rate schedules, all with an optional linear warm-up.
#pragma once

#include <cstdint>

#include "core/state_visitor.h"

namespace recur {

enum class ScheduleType { Constant, StepDecay, Plateau, InverseSqrt, Cosine };

struct ScheduleSpec {
  ScheduleType type = ScheduleType::Constant;
  double lr = 1e-3;           // peak learning rate (after warm-up)
  int64_t warmup_steps = 0;   // linear from lr / warmup_steps up to lr
  double decay_factor = 0.5;  // step: every decay_steps; plateau: on each plateau
  int64_t decay_steps = 1000;
  int64_t patience = 0;     // plateau: validations without improvement before decaying
  double min_lr = 0.0;      // floor for plateau and the end point of cosine
  int64_t total_steps = 0;  // cosine: the step where it reaches min_lr
};

class LrSchedule {
 public:
  explicit LrSchedule(const ScheduleSpec& spec) : spec_(spec) {}

  // Learning rate of update number `step` (counting from 1).
  double lr(int64_t step) const;
  // Plateau schedules decay when a validation loss (lower is better) stops improving.
  void on_validation(double loss);

  // What a resumed run must restore: the plateau bookkeeping.
  void describe_state(StateVisitor& v);

 private:
  struct State {
    double plateau_scale = 1.0;
    double best_loss = 0.0;
    bool has_best = false;
    int64_t bad_validations = 0;
  };
  ScheduleSpec spec_;
  State state_;
};

}  // namespace recur
