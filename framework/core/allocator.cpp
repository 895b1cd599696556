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

void* CachingHostAllocator::take_cached(size_t size) {
  const auto it = free_blocks_.lower_bound(size);
  if (it == free_blocks_.end() || it->first > 2 * size) return nullptr;
  const size_t block = it->first;
  void* ptr = it->second.back();
  it->second.pop_back();
  if (it->second.empty()) free_blocks_.erase(it);
  in_use_[ptr] = block;
  stats_.bytes_cached -= block;
  stats_.bytes_in_use += block;
  return ptr;
}

void* CachingHostAllocator::allocate(size_t bytes) {
  const size_t size = rounded_size(bytes);
  {
    std::lock_guard lock(mutex_);
    if (void* ptr = take_cached(size)) return ptr;
  }
  void* ptr = std::aligned_alloc(kAlignment, size);
  if (ptr == nullptr) {
    empty_cache();
    ptr = std::aligned_alloc(kAlignment, size);
  }
  RECUR_CHECK(ptr != nullptr, "out of host memory allocating ", size, " bytes");
  std::lock_guard lock(mutex_);
  in_use_[ptr] = size;
  stats_.bytes_in_use += size;
  stats_.system_allocations += 1;
  return ptr;
}

void CachingHostAllocator::release(void* ptr, size_t) {
  if (ptr == nullptr) return;
  std::lock_guard lock(mutex_);
  const auto it = in_use_.find(ptr);
  RECUR_CHECK(it != in_use_.end(), "released a block this allocator did not give out");
  const size_t block = it->second;
  in_use_.erase(it);
  free_blocks_[block].push_back(ptr);
  stats_.bytes_in_use -= block;
  stats_.bytes_cached += block;
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
