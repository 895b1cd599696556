// What recur needs from the CUDA runtime outside the kernels, declared whether or not this build
// has the CUDA backend. Without it (RECUR_WITH_CUDA off) no device is ever available and every
// function that needs one throws an Error that says so.
//
// Each device has one compute stream: kernels, copies and the device allocator's reuse of blocks
// are ordered on it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/allocator.h"
#include "core/device.h"
#include "core/dtype.h"

namespace recur::gpu {

bool built_with_cuda();

// The devices this process can use; none, with the runtime's reason, on a machine without a GPU
// or driver and in a build without CUDA.
struct Availability {
  int devices = 0;
  std::string reason;  // why there are none
};
const Availability& availability();

// Throws an Error naming `device` and the reason unless it can be used.
void require(Device device);
// The caching allocator of device `index` (require()s it).
CachingAllocator& device_allocator(int index);

// Page-locked host memory (cudaMallocHost), cached as device memory is: copies between it and a
// GPU are DMAs that need no staging by the driver. The host heap's allocator without CUDA.
CachingAllocator& pinned_host_allocator();

// Copies `bytes` between two places on any devices (host included), after the work already queued
// on the devices' compute streams. A copy to the host (or between two GPUs) returns when the bytes
// have arrived; a copy to a GPU from the host or within it is queued on the GPU's compute stream,
// where the kernels queued after it see the bytes (the host source may be reused at once).
void copy(void* destination, Device destination_device, const void* source, Device source_device,
          size_t bytes);
// Sets n elements of type `dtype` at `data` on CUDA device `device` to `value`, in stream order.
void fill(Device device, DType dtype, void* data, size_t n, double value);
// The same value on every process that uses the same physical GPU, different for any other GPU
// (a hash of the host name and the device's PCI bus id).
uint64_t device_identity(Device device);
// Makes `device` the calling thread's current CUDA device, on which kernels run (require()s it);
// nothing for the CPU. recur uses one device per process and selects it once.
void use_device(Device device);
// The index of the calling thread's current CUDA device (0 without the backend).
int current_device();
// The device a command runs on: `requested` ("cpu", "cuda" or "cuda:N", see
// Device::for_local_rank) resolved for this process, checked and made current.
Device select_device(const std::string& requested, int local_rank = 0);
// Waits for everything queued on the device's compute stream.
void synchronize(Device device);

}  // namespace recur::gpu
