// Memory for tensors. The host allocator caches freed blocks by (rounded) size: a training step
// allocates much the same activations every step, and reusing blocks avoids page faults and
// zeroing by the OS. Batches of pairs of similar length change shape from step to step, so a
// request takes the smallest cached block that fits it (up to twice its size), not only one of
// its exact size. The CUDA backend adds a caching device allocator behind the same interface.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "core/device.h"

namespace recur {

class Allocator {
 public:
  virtual ~Allocator() = default;
  // Returns at least `bytes` bytes, 64-byte aligned. Never returns null; throws on failure.
  virtual void* allocate(size_t bytes) = 0;
  // Gives back a block from allocate() with the same `bytes`.
  virtual void release(void* ptr, size_t bytes) = 0;
};

class CachingHostAllocator final : public Allocator {
 public:
  struct Stats {
    size_t bytes_in_use = 0;
    size_t bytes_cached = 0;
    size_t system_allocations = 0;
  };

  ~CachingHostAllocator() override;
  void* allocate(size_t bytes) override;
  void release(void* ptr, size_t bytes) override;  // the block's own size is known here
  // Returns every cached block to the system.
  void empty_cache();
  Stats stats() const;

  // Block size a request of `bytes` is served with: small requests round to a power of two,
  // larger ones to a sixteenth of their power of two, so waste stays under 12.5%.
  static size_t rounded_size(size_t bytes);

 private:
  // The cached block that best fits `size` (nullptr if none is at most twice as large); moves it
  // to in_use_. Holds mutex_.
  void* take_cached(size_t size);

  mutable std::mutex mutex_;
  std::map<size_t, std::vector<void*>> free_blocks_;  // block size -> cached blocks (non-empty)
  std::unordered_map<void*, size_t> in_use_;          // block -> its size
  Stats stats_;
};

// The allocator for a device. CPU only for now; asking for a CUDA device throws an Error.
Allocator& allocator_for(Device device);
CachingHostAllocator& host_allocator();

}  // namespace recur
