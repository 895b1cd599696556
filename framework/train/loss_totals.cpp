#include "train/loss_totals.h"

#include <algorithm>
#include <array>

#include "kernels/dispatch.h"

namespace recur {

StepLoss& StepLoss::operator+=(const StepLoss& o) {
  tokens += o.tokens;
  chars += o.chars;
  if (!o.nll.defined()) return *this;
  if (!nll.defined()) {
    nll = o.nll.clone();
  } else {
    kernels::add<double>(nll.device(), 1, nll.device_data<double>(), o.nll.device_data<double>(),
                         nll.device_data<double>());
  }
  return *this;
}

LossTotals StepLoss::read() const {
  return {nll.defined() ? nll.item() : 0.0, tokens, chars};
}

namespace {
// Three host values summed over all ranks in one all-reduce.
std::array<double, 3> sum_three(Communicator& comm, std::array<double, 3> values,
                                const std::string& what) {
  Tensor sums = Tensor::from_vector<double>({values.begin(), values.end()}, {3});
  comm.all_reduce(sums, ReduceOp::Sum, what);
  std::copy_n(sums.data<double>(), 3, values.begin());
  return values;
}
}  // namespace

LossTotals sum_over_ranks(Communicator& comm, const LossTotals& local, const std::string& what) {
  const auto [nll, tokens, chars] = sum_three(comm, {local.nll, local.tokens, local.chars}, what);
  return {nll, tokens, chars};
}

StepCounts sum_counts_over_ranks(Communicator& comm, const StepLoss& local, bool flag,
                                 const std::string& what) {
  const auto [tokens, chars, flags] =
      sum_three(comm, {local.tokens, local.chars, flag ? 1.0 : 0.0}, what);
  return {tokens, chars, flags > 0};
}

}  // namespace recur
