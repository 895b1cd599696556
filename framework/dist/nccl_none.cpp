// NCCL in a build without the CUDA backend: never available. Compiled instead of
// dist/cuda/nccl_communicator.cpp when RECUR_WITH_CUDA is off.
#include "core/gpu.h"
#include "dist/gpu_communicator.h"

namespace recur {

std::unique_ptr<Communicator> make_nccl_communicator(std::unique_ptr<Communicator>, Device device,
                                                     double) {
  gpu::require(device);
  fail("NCCL is not available: this build of recur has no CUDA backend (RECUR_CUDA=OFF)");
}

}  // namespace recur
