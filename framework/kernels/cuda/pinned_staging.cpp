#include "kernels/cuda/pinned_staging.h"

#include <cstring>

#include "core/device_counters.h"
#include "kernels/cuda/runtime.h"

namespace recur::cuda {

namespace {
constexpr size_t kAlignment = 256;
}  // namespace

PinnedStaging::~PinnedStaging() {
  for (const InFlight& region : in_flight_)
    cudaEventDestroy(region.done);
  for (cudaEvent_t event : spare_events_)
    cudaEventDestroy(event);
  if (base_ != nullptr) cudaFreeHost(base_);
}

bool PinnedStaging::copy_to_device(void* destination, const void* source, size_t bytes,
                                   cudaStream_t stream) {
  if (bytes == 0 || bytes > capacity_) return false;
  const std::lock_guard<std::mutex> lock(mutex_);
  if (base_ == nullptr)
    check(cudaMallocHost(&base_, capacity_), "cudaMallocHost of the staging ring");
  const size_t begin = reserve(bytes);
  std::memcpy(base_ + begin, source, bytes);
  check(cudaMemcpyAsync(destination, base_ + begin, bytes, cudaMemcpyHostToDevice, stream),
        "cudaMemcpyAsync from the staging ring");
  cudaEvent_t done = nullptr;
  if (spare_events_.empty()) {
    check(cudaEventCreateWithFlags(&done, cudaEventDisableTiming), "cudaEventCreate");
  } else {
    done = spare_events_.back();
    spare_events_.pop_back();
  }
  check(cudaEventRecord(done, stream), "cudaEventRecord after a staged copy");
  in_flight_.push_back({begin, head_, done});
  return true;
}

size_t PinnedStaging::reserve(size_t bytes) {
  const size_t aligned = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  if (head_ + aligned > capacity_) head_ = 0;
  const size_t begin = head_;
  // The stream completes its copies in order, so waiting for an older one never waits longer
  // than for the one that still reads these bytes.
  while (overlaps_in_flight(begin, begin + aligned))
    retire_oldest();
  head_ = begin + aligned;
  return begin;
}

bool PinnedStaging::overlaps_in_flight(size_t begin, size_t end) const {
  for (const InFlight& region : in_flight_) {
    if (region.begin < end && begin < region.end) return true;
  }
  return false;
}

void PinnedStaging::retire_oldest() {
  const InFlight oldest = in_flight_.front();
  const cudaError_t state = cudaEventQuery(oldest.done);
  if (state == cudaErrorNotReady) {
    cudaGetLastError();  // not an error: the copy is still queued
    count_synchronisation();
    check(cudaEventSynchronize(oldest.done), "cudaEventSynchronize on the staging ring");
  } else {
    check(state, "cudaEventQuery on the staging ring");
  }
  spare_events_.push_back(oldest.done);
  in_flight_.pop_front();
}

}  // namespace recur::cuda
