#include <cstdlib>

#include "dist/communicator.h"

namespace recur {

namespace {

class Completed final : public PendingCollective {
 public:
  void wait() override {}
  bool done() const override { return true; }
  double seconds() const override { return 0.0; }
};

}  // namespace

std::unique_ptr<PendingCollective> SingleProcessCommunicator::all_reduce_async(Tensor&, ReduceOp,
                                                                               const std::string&) {
  return std::make_unique<Completed>();
}

void SingleProcessCommunicator::all_gather(const Tensor& in, Tensor& out) {
  out.copy_from(in);
}

void SingleProcessCommunicator::reduce_scatter(const Tensor& in, Tensor& out, ReduceOp) {
  out.copy_from(in);
}

void SingleProcessCommunicator::abort(int exit_code) {
  std::_Exit(exit_code);
}

}  // namespace recur
