// The parts of core/gpu.h that are the same with and without the CUDA backend.
#include "core/gpu.h"

namespace recur::gpu {

Device select_device(const std::string& requested, int local_rank) {
  const Device device = Device::for_local_rank(requested, local_rank, availability().devices);
  use_device(device);
  return device;
}

}  // namespace recur::gpu
