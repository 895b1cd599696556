#include "train/micro_batches.h"

namespace recur {

StepLoss train_micro_batches(const std::vector<MicroBatch>& batches, uint64_t seed, int64_t step,
                             Communicator& comm, GradientSync& sync,
                             const MicroBatchForward& forward) {
  Tensor count = Tensor::zeros({1}, DType::F64);  // host data: the batches' counts
  for (const MicroBatch& batch : batches)
    count.data<double>()[0] += static_cast<double>(batch.targets);
  comm.all_reduce(count, ReduceOp::Sum, "all-reduce of the step's target count");
  const double global_targets = count.data<double>()[0];

  StepLoss totals;
  for (size_t m = 0; m < batches.size(); ++m) {
    Tape tape;
    const MicroBatchLoss out = forward(
        ForwardContext::for_training(tape, seed, step, batches[m].first_row), m, global_targets);
    if (m + 1 == batches.size()) sync.attach(tape);
    if (global_targets > 0) tape.backward(out.loss);
    totals += out.totals;
  }
  return totals;
}

}  // namespace recur
