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

  // The sums of one cross-entropy, read from its device (validation, evaluation); `chars`: the
  // characters its targets stand for (0: not counted).
  static LossTotals of(const CrossEntropyResult& ce, double chars = 0.0) {
    return {ce.nll.item(), static_cast<double>(ce.count), chars};
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

// The loss sums of training on this rank, kept where they were computed: the sum of -log p stays
// on the compute device, since reading it every step would make the host wait for the step's
// kernels; the counts come from the batches, which the host holds.
struct StepLoss {
  Tensor nll;  // (1) f64 on the compute device; undefined until something is added
  double tokens = 0.0;
  double chars = 0.0;

  static StepLoss of(const CrossEntropyResult& ce, double chars = 0.0) {
    return {ce.nll, static_cast<double>(ce.count), chars};
  }
  // Adds on the device (into a tensor of its own: never into another loss's sum).
  StepLoss& operator+=(const StepLoss& o);
  // The sums on the host: a read of the compute device.
  LossTotals read() const;
};

// The totals of all ranks, added in one all-reduce; `what` names it in timeout messages.
LossTotals sum_over_ranks(Communicator& comm, const LossTotals& local, const std::string& what);

// The counts of one training step of every rank and whether any rank raised a flag, in one small
// all-reduce of host values (no wait for the device).
struct StepCounts {
  double tokens = 0.0;
  double chars = 0.0;
  bool any_rank_flagged = false;
};
StepCounts sum_counts_over_ranks(Communicator& comm, const StepLoss& local, bool flag,
                                 const std::string& what);

}  // namespace recur
