#include "train/loss_totals.h"

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

LossTotals sum_over_ranks(Communicator& comm, const LossTotals& local, const std::string& what) {
  Tensor sums = Tensor::from_vector<double>({local.nll, local.tokens, local.chars}, {3});
  comm.all_reduce(sums, ReduceOp::Sum, what);
  const double* sum = sums.data<double>();
  return {sum[0], sum[1], sum[2]};
}

StepCounts sum_counts_over_ranks(Communicator& comm, const StepLoss& local, bool flag,
                                 const std::string& what) {
  Tensor sums = Tensor::from_vector<double>({local.tokens, local.chars, flag ? 1.0 : 0.0}, {3});
  comm.all_reduce(sums, ReduceOp::Sum, what);
  const double* sum = sums.data<double>();
  return {sum[0], sum[1], sum[2] > 0};
}

}  // namespace recur
