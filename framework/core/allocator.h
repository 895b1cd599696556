// Memory for tensors. The host allocator caches freed blocks by (rounded) size: a training step
// allocates the same activations every step, and reusing blocks avoids page faults and zeroing
// by the OS. The CUDA backend adds a caching device allocator behind the same interface.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
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
  void release(void* ptr, size_t bytes) override;
  // Returns every cached block to the system.
  void empty_cache();
  Stats stats() const;

  // Block size a request of `bytes` is served with: small requests round to a power of two,
  // larger ones to a sixteenth of their power of two, so waste stays under 12.5%.
  static size_t rounded_size(size_t bytes);

 private:
  mutable std::mutex mutex_;
  std::map<size_t, std::vector<void*>> free_blocks_;
  Stats stats_;
};

// The allocator for a device. CPU only for now; asking for a CUDA device throws an Error.
Allocator& allocator_for(Device device);
CachingHostAllocator& host_allocator();

}  // namespace recur
