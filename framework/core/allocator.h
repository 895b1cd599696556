// Memory for tensors. The host allocator caches freed blocks by (rounded) size: a training step
// allocates much the same activations every step, and reusing blocks avoids page faults and
// zeroing by the OS. Batches of pairs of similar length change shape from step to step, so a
// request takes the smallest cached block that fits it (up to twice its size), not only one of
// its exact size. GPU memory is cached the same way (cudaMalloc and cudaFree synchronise the
// device, so a step must not call them).
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
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

// Where a caching allocator's blocks come from and go back to: the host heap or a GPU's memory.
class BlockSource {
 public:
  virtual ~BlockSource() = default;
  // At least `bytes` bytes, 64-byte aligned (device memory is 256-byte aligned); nullptr when the
  // memory is exhausted.
  virtual void* allocate(size_t bytes) = 0;
  virtual void free(void* ptr) = 0;
  virtual std::string memory_name() const = 0;  // "host memory", "cuda:0 memory"
};

// Caches freed blocks by rounded size and serves a request from the smallest cached block that
// fits. A device's blocks are used on its one compute stream, so a block released while kernels
// that read it are still queued is reused only by kernels queued after them.
class CachingAllocator final : public Allocator {
 public:
  struct Stats {
    size_t bytes_in_use = 0;
    size_t bytes_cached = 0;
    size_t system_allocations = 0;
  };

  explicit CachingAllocator(std::unique_ptr<BlockSource> source);
  ~CachingAllocator() override;
  void* allocate(size_t bytes) override;
  void release(void* ptr, size_t bytes) override;  // the block's own size is known here
  // Returns every cached block to its source.
  void empty_cache();
  Stats stats() const;

  // Block size a request of `bytes` is served with: small requests round to a power of two,
  // larger ones to a sixteenth of their power of two, so waste stays under 12.5%.
  static size_t rounded_size(size_t bytes);

 private:
  // The cached block that best fits `size` (nullptr if none is at most twice as large); moves it
  // to in_use_. Holds mutex_.
  void* take_cached(size_t size);

  std::unique_ptr<BlockSource> source_;
  mutable std::mutex mutex_;
  std::map<size_t, std::vector<void*>> free_blocks_;  // block size -> cached blocks (non-empty)
  std::unordered_map<void*, size_t> in_use_;          // block -> its size
  Stats stats_;
};

// Blocks from the C heap.
std::unique_ptr<BlockSource> host_blocks();

// The allocator for a device: the host's, or (in a build with CUDA) the GPU's caching allocator.
// Throws an Error naming the reason when the device cannot be used.
Allocator& allocator_for(Device device);
CachingAllocator& host_allocator();

}  // namespace recur
