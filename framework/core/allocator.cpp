#include "core/allocator.h"

#include <bit>
#include <cstdlib>

#include "core/error.h"

namespace recur {

namespace {
constexpr size_t kAlignment = 64;
constexpr size_t kSmallLimit = 4096;
}  // namespace

size_t CachingHostAllocator::rounded_size(size_t bytes) {
  if (bytes <= kAlignment) return kAlignment;
  size_t pow2 = std::bit_ceil(bytes);
  if (bytes <= kSmallLimit) return pow2;
  size_t step = pow2 / 16;
  return (bytes + step - 1) / step * step;
}

CachingHostAllocator::~CachingHostAllocator() {
  empty_cache();
}

void* CachingHostAllocator::allocate(size_t bytes) {
  size_t size = rounded_size(bytes);
  {
    std::lock_guard lock(mutex_);
    auto it = free_blocks_.find(size);
    if (it != free_blocks_.end() && !it->second.empty()) {
      void* ptr = it->second.back();
      it->second.pop_back();
      stats_.bytes_cached -= size;
      stats_.bytes_in_use += size;
      return ptr;
    }
  }
  void* ptr = std::aligned_alloc(kAlignment, size);
  if (ptr == nullptr) {
    empty_cache();
    ptr = std::aligned_alloc(kAlignment, size);
  }
  RECUR_CHECK(ptr != nullptr, "out of host memory allocating ", size, " bytes");
  std::lock_guard lock(mutex_);
  stats_.bytes_in_use += size;
  stats_.system_allocations += 1;
  return ptr;
}

void CachingHostAllocator::release(void* ptr, size_t bytes) {
  if (ptr == nullptr) return;
  size_t size = rounded_size(bytes);
  std::lock_guard lock(mutex_);
  free_blocks_[size].push_back(ptr);
  stats_.bytes_in_use -= size;
  stats_.bytes_cached += size;
}

void CachingHostAllocator::empty_cache() {
  std::lock_guard lock(mutex_);
  for (auto& [size, blocks] : free_blocks_) {
    for (void* ptr : blocks)
      std::free(ptr);
  }
  free_blocks_.clear();
  stats_.bytes_cached = 0;
}

CachingHostAllocator::Stats CachingHostAllocator::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

CachingHostAllocator& host_allocator() {
  // Never destroyed: tensors with static lifetime may release blocks during exit.
  static auto* allocator = new CachingHostAllocator();
  return *allocator;
}

Allocator& allocator_for(Device device) {
  RECUR_CHECK(device.is_cpu(), "device ", device.str(),
              " is not available: this build of recur has no CUDA backend yet");
  return host_allocator();
}

}  // namespace recur
