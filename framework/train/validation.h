// One validation's result, and the tracker of the best one: the trainer uses a tracker for the
// best model (by the task's score, else the loss) and another for the checkpoint kept as best
// (by checkpoint.keep_best_by).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "core/state_visitor.h"
#include "train/loss_totals.h"
#include "train/train_config.h"

namespace recur {

struct Validation {
  LossTotals loss;  // a task returns its rank's part; the trainer adds up all ranks'
  // A score of the whole validation set (all ranks; higher is better, e.g. BLEU), for tasks that
  // have one; it then decides which model is best.
  std::optional<double> score;
  std::string score_name;

  // Higher is better: the score when there is one, else minus the loss.
  double metric() const { return score ? *score : -loss.loss(); }
  // The figure `by` names (higher is better), if this validation has it.
  std::optional<double> metric(KeepBest by) const;
  // The figures a checkpoint's manifest records: valid_loss and valid_score.
  std::map<std::string, double> manifest_figures() const;
};

// The best of a series of metrics (higher is better) and the step it was reached at. Steps count
// from 1, so step 0 means none yet.
struct BestTracker {
  double metric = 0;
  int64_t step = 0;

  bool found() const { return step > 0; }
  // True, and remembered, when `value` is the first or better than every earlier one.
  bool offer(double value, int64_t at_step) {
    if (found() && !(value > metric)) return false;  // a NaN never improves
    metric = value;
    step = at_step;
    return true;
  }
  // Saved as <name>_metric and <name>_step.
  void describe_state(StateVisitor& v, const std::string& name) {
    v.field((name + "_metric").c_str(), metric);
    v.field((name + "_step").c_str(), step);
  }
};

}  // namespace recur
