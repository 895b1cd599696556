// Truncated-BPTT window schedule: where each optimiser step's window starts and how long it is.
//
// Windows walk the streams from position 0 to the end, then a new epoch starts at 0 (and the
// carried state is reset). With variable lengths (AWD-LSTM), a window is bptt long with
// probability 0.95 and bptt/2 otherwise, plus Normal(0, 5) steps, at least 5; the draw is keyed by
// (seed, step), so every rank and every resumed run sees the same windows.
#pragma once

#include <cstdint>

#include "core/state_visitor.h"

namespace recur {

struct TbpttWindow {
  int64_t position = 0;
  int64_t steps = 0;
  bool starts_epoch = false;  // the carried state must be reset before this window
};

class TbpttSchedule {
 public:
  TbpttSchedule(int64_t last_position, int64_t bptt, bool variable, uint64_t seed);

  // The window of optimiser step `step`; advances the position.
  TbpttWindow next(int64_t step);
  // Learning-rate multiplier of a window (variable lengths: steps / bptt).
  double lr_scale(const TbpttWindow& w) const;
  double epochs_done() const;

  // The position (what a checkpoint must hold to continue exactly); a restored position must lie
  // within these streams.
  void describe_state(StateVisitor& v);

 private:
  int64_t window_length(int64_t step) const;

  int64_t last_position_;
  int64_t bptt_;
  bool variable_;
  uint64_t seed_;
  int64_t epoch_ = 0;
  int64_t position_ = 0;
};

}  // namespace recur
