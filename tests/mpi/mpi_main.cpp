// main() of the gtest binaries run under mpirun: one communicator for the whole process (MPI is
// initialised once), rank 0 reports every test, the other ranks only their failures.
#include <gtest/gtest.h>

#include "mpi_env.h"

namespace recur::test {

Communicator* g_comm = nullptr;

Communicator& comm() {
  return *g_comm;
}

}  // namespace recur::test

int main(int argc, char** argv) {
  std::unique_ptr<recur::Communicator> comm = recur::make_communicator({60.0});
  recur::test::g_comm = comm.get();
  if (comm->rank() != 0) ::testing::GTEST_FLAG(brief) = true;
  ::testing::InitGoogleTest(&argc, argv);
  const int failed = RUN_ALL_TESTS();
  // Every rank must agree: a failure on any rank fails the job.
  recur::Tensor flag = recur::Tensor::full({1}, recur::DType::F64, failed ? 1.0 : 0.0);
  comm->all_reduce(flag);
  return flag.item() > 0 ? 1 : 0;
}
