// `recur compare`: what a finished run's metrics.jsonl says about it (size, speed, time, the
// validation curve, the test figures), a table of several runs and their validation curves
// against steps and against training time.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "report/line_chart.h"

namespace recur {

struct RunSummary {
  std::string name;  // the run directory's name
  std::string model_type;
  int64_t parameters = 0;
  int64_t ranks = 0, threads_per_rank = 0;
  int64_t steps = 0;        // the last step trained
  double tokens_per_s = 0;  // training tokens over the time of the logged steps
  double train_s = 0;       // training time without validation, summed over resumed parts
  double elapsed_s = 0;     // wall time, the same
  std::string metric;       // the validation metric: "bleu", "bpc" or "ppl"
  bool higher_is_better = false;
  struct Point {
    int64_t step = 0;
    double train_s = 0;
    double value = 0;
  };
  std::vector<Point> valid;                          // in step order
  std::vector<std::pair<std::string, double>> test;  // the test line's figures, in file order

  const Point& best() const;  // throws Error without validation points
};

// Throws Error naming the directory when it holds no metrics.jsonl or no run in it.
RunSummary read_run_summary(const std::filesystem::path& run_dir);

// A markdown table, one row per run. Throws Error when the runs' metrics differ.
std::string comparison_table(const std::vector<RunSummary>& runs);
// The validation metric against steps (by_time false) or against training minutes.
LineChart validation_chart(const std::vector<RunSummary>& runs, bool by_time);

}  // namespace recur
