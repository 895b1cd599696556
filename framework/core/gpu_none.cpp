// The GPU runtime of a build without the CUDA backend: no device is ever available. Compiled
// instead of kernels/cuda/runtime.cpp when RECUR_WITH_CUDA is off.
#include <cstring>

#include "core/device_counters.h"
#include "core/error.h"
#include "core/gpu.h"

namespace recur::gpu {

namespace {

[[noreturn]] void unavailable(Device device) {
  fail("device ", device.str(), " is not available: ", availability().reason);
}

}  // namespace

bool built_with_cuda() {
  return false;
}

const Availability& availability() {
  static const Availability none{0, "this build of recur has no CUDA backend (RECUR_CUDA=OFF)"};
  return none;
}

void require(Device device) {
  if (!device.is_cpu()) unavailable(device);
}

CachingAllocator& device_allocator(int index) {
  unavailable(Device::cuda(index));
}

CachingAllocator& pinned_host_allocator() {
  return host_allocator();
}

void copy(void* destination, Device destination_device, const void* source, Device source_device,
          size_t bytes) {
  require(destination_device);
  require(source_device);
  std::memmove(destination, source, bytes);
}

void fill(Device device, DType, void*, size_t, double) {
  unavailable(device);
}

uint64_t device_identity(Device device) {
  unavailable(device);
}

void use_device(Device device) {
  require(device);
}

int current_device() {
  return 0;
}

void synchronize(Device device) {
  require(device);
  count_synchronisation();
}

}  // namespace recur::gpu
