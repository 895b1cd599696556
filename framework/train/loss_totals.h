// LossTotals: the sums a loss is reported from (negative log-likelihood, targets, characters),
// added over micro-batches and over ranks before anything is divided.
#pragma once

#include <cmath>
#include <numbers>
#include <string>

#include "autograd/ops/loss.h"
#include "dist/communicator.h"

namespace recur {

struct LossTotals {
  double nll = 0.0;     // sum of -log p(target), nats
  double tokens = 0.0;  // targets predicted
  double chars = 0.0;   // characters those targets stand for

  // The sums of one cross-entropy; `chars`: the characters its targets stand for (0: not counted).
  static LossTotals of(const CrossEntropyResult& ce, double chars = 0.0) {
    return {ce.totals.nll, static_cast<double>(ce.totals.count), chars};
  }

  double loss() const { return tokens > 0 ? nll / tokens : 0.0; }
  double perplexity() const { return std::exp(loss()); }
  double bits_per_char() const { return chars > 0 ? nll / std::numbers::ln2 / chars : 0.0; }
  LossTotals& operator+=(const LossTotals& o) {
    nll += o.nll;
    tokens += o.tokens;
    chars += o.chars;
    return *this;
  }
};

// The totals of all ranks, added in one all-reduce; `what` names it in timeout messages.
LossTotals sum_over_ranks(Communicator& comm, const LossTotals& local, const std::string& what);

// The same, with a flag of each rank carried in the same message (no second collective).
struct FlaggedTotals {
  LossTotals totals;
  bool any_rank_flagged = false;
};
FlaggedTotals sum_over_ranks(Communicator& comm, const LossTotals& local, bool flag,
                             const std::string& what);

}  // namespace recur
