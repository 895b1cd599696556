#include "train/loss_totals.h"

namespace recur {

FlaggedTotals sum_over_ranks(Communicator& comm, const LossTotals& local, bool flag,
                             const std::string& what) {
  Tensor sums =
      Tensor::from_vector<double>({local.nll, local.tokens, local.chars, flag ? 1.0 : 0.0}, {4});
  comm.all_reduce(sums, ReduceOp::Sum, what);
  return {{sums.item(0), sums.item(1), sums.item(2)}, sums.item(3) > 0};
}

LossTotals sum_over_ranks(Communicator& comm, const LossTotals& local, const std::string& what) {
  return sum_over_ranks(comm, local, false, what).totals;
}

}  // namespace recur
