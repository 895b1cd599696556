#include "optim/schedule.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace recur {

double LrSchedule::lr(int64_t step) const {
  const double s = static_cast<double>(std::max<int64_t>(step, 1));
  const double warmup = static_cast<double>(spec_.warmup_steps);
  double factor = warmup > 0 && s < warmup ? s / warmup : 1.0;
  switch (spec_.type) {
    case ScheduleType::Constant:
      break;
    case ScheduleType::StepDecay:
      factor *= std::pow(spec_.decay_factor,
                         std::floor((s - 1) / static_cast<double>(spec_.decay_steps)));
      break;
    case ScheduleType::Plateau:
      return std::max(spec_.min_lr, spec_.lr * factor * state_.plateau_scale);
    case ScheduleType::InverseSqrt:
      if (s > warmup) factor *= std::sqrt(std::max(warmup, 1.0) / s);
      break;
    case ScheduleType::Cosine: {
      // Full lr at the first update after warm-up, min_lr at update total_steps.
      const double first = std::max(warmup, 1.0);
      if (s <= first) break;
      const double span = std::max(1.0, static_cast<double>(spec_.total_steps) - first);
      const double progress = std::min(1.0, (s - first) / span);
      const double cosine = 0.5 * (1.0 + std::cos(std::numbers::pi * progress));
      return spec_.min_lr + (spec_.lr - spec_.min_lr) * cosine;
    }
  }
  return spec_.lr * factor;
}

void LrSchedule::on_validation(double loss) {
  if (!state_.has_best || loss < state_.best_loss) {
    state_.best_loss = loss;
    state_.has_best = true;
    state_.bad_validations = 0;
    return;
  }
  state_.bad_validations += 1;
  if (spec_.type == ScheduleType::Plateau && state_.bad_validations > spec_.patience) {
    state_.plateau_scale *= spec_.decay_factor;
    state_.bad_validations = 0;
  }
}

void LrSchedule::describe_state(StateVisitor& v) {
  v.section("schedule", [&](StateVisitor& s) {
    s.field("plateau_scale", state_.plateau_scale);
    s.field("best_loss", state_.best_loss);
    s.field("has_best", state_.has_best);
    s.field("bad_validations", state_.bad_validations);
  });
}

}  // namespace recur
