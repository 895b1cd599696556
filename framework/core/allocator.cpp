#include "core/allocator.h"

#include <bit>
#include <cstdlib>

#include "core/error.h"
#include "core/gpu.h"

namespace recur {

namespace {
constexpr size_t kAlignment = 64;
constexpr size_t kSmallLimit = 4096;
}  // namespace

size_t CachingAllocator::rounded_size(size_t bytes) {
  if (bytes <= kAlignment) return kAlignment;
  size_t pow2 = std::bit_ceil(bytes);
  if (bytes <= kSmallLimit) return pow2;
  size_t step = pow2 / 16;
  return (bytes + step - 1) / step * step;
}

CachingAllocator::CachingAllocator(std::unique_ptr<BlockSource> source)
    : source_(std::move(source)) {}

CachingAllocator::~CachingAllocator() {
  empty_cache();
}

void* CachingAllocator::take_cached(size_t size) {
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

void* CachingAllocator::allocate(size_t bytes) {
  const size_t size = rounded_size(bytes);
  {
    std::lock_guard lock(mutex_);
    if (void* ptr = take_cached(size)) return ptr;
  }
  void* ptr = source_->allocate(size);
  if (ptr == nullptr) {
    empty_cache();
    ptr = source_->allocate(size);
  }
  RECUR_CHECK(ptr != nullptr, "out of ", source_->memory_name(), " allocating ", size, " bytes");
  std::lock_guard lock(mutex_);
  in_use_[ptr] = size;
  stats_.bytes_in_use += size;
  stats_.system_allocations += 1;
  return ptr;
}

void CachingAllocator::release(void* ptr, size_t) {
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

void CachingAllocator::empty_cache() {
  std::lock_guard lock(mutex_);
  for (auto& [size, blocks] : free_blocks_) {
    for (void* ptr : blocks)
      source_->free(ptr);
  }
  free_blocks_.clear();
  stats_.bytes_cached = 0;
}

CachingAllocator::Stats CachingAllocator::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

namespace {

class HostBlocks final : public BlockSource {
 public:
  void* allocate(size_t bytes) override { return std::aligned_alloc(kAlignment, bytes); }
  void free(void* ptr) override { std::free(ptr); }
  std::string memory_name() const override { return "host memory"; }
};

}  // namespace

std::unique_ptr<BlockSource> host_blocks() {
  return std::make_unique<HostBlocks>();
}

CachingAllocator& host_allocator() {
  // Never destroyed: tensors with static lifetime may release blocks during exit.
  static auto* allocator = new CachingAllocator(host_blocks());
  return *allocator;
}

Allocator& allocator_for(Device device) {
  if (device.is_cpu()) return host_allocator();
  return gpu::device_allocator(device.index);
}

}  // namespace recur
