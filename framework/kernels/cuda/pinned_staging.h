// Pinned host memory that host-to-device copies go through, reused from copy to copy. From
// pageable memory the driver stages a copy itself before cudaMemcpyAsync returns; from pinned
// memory the copy is a DMA queued on the stream and the host goes on at once (the batch's ids,
// targets, lengths and masks of every step). The ring is filled in order; a region is written
// again only once the event recorded behind the copy that read it has completed, which the stream
// has long reached when the ring comes round (if not, the host waits, and that counts as a
// synchronisation, core/device_counters.h).
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <deque>
#include <mutex>
#include <vector>

namespace recur::cuda {

class PinnedStaging {
 public:
  explicit PinnedStaging(size_t capacity) : capacity_(capacity) {}
  ~PinnedStaging();
  PinnedStaging(const PinnedStaging&) = delete;
  PinnedStaging& operator=(const PinnedStaging&) = delete;

  // Queues a copy of `bytes` from host memory `source` to device memory `destination` on
  // `stream` (of the current device) through the ring; false, with nothing queued, when the
  // bytes do not fit in it.
  bool copy_to_device(void* destination, const void* source, size_t bytes, cudaStream_t stream);

 private:
  struct InFlight {
    size_t begin, end;
    cudaEvent_t done;
  };
  // The offset of `bytes` free bytes, after waiting for the copies still reading them.
  size_t reserve(size_t bytes);
  bool overlaps_in_flight(size_t begin, size_t end) const;
  void retire_oldest();

  size_t capacity_;
  char* base_ = nullptr;  // allocated on first use
  size_t head_ = 0;
  std::deque<InFlight> in_flight_;
  std::vector<cudaEvent_t> spare_events_;
  std::mutex mutex_;
};

}  // namespace recur::cuda
