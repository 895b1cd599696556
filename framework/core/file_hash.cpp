#include "core/file_hash.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "core/error.h"

namespace recur {

namespace {

constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;

uint64_t mix(uint64_t h) {
  h ^= h >> 31;
  h *= 0xBF58476D1CE4E5B9ull;
  return h ^ (h >> 29);
}

}  // namespace

// Four independent lanes over 32-byte blocks, so the multiplications pipeline.
StreamHash::StreamHash(uint64_t seed) : lane_{seed ^ 1, seed ^ 2, seed ^ 3, seed ^ 4} {}

void StreamHash::block(const unsigned char* p) {
  for (int i = 0; i < 4; ++i) {
    uint64_t w;
    std::memcpy(&w, p + 8 * i, 8);
    lane_[i] = (lane_[i] ^ w) * kMul;
    lane_[i] ^= lane_[i] >> 32;
  }
}

void StreamHash::add(const void* data, uint64_t size) {
  const auto* p = static_cast<const unsigned char*>(data);
  if (pending_size_ > 0) {
    const uint64_t take = std::min<uint64_t>(32 - pending_size_, size);
    std::memcpy(pending_ + pending_size_, p, take);
    pending_size_ += take;
    p += take;
    size -= take;
    if (pending_size_ < 32) return;
    block(pending_);
    length_ += 32;
    pending_size_ = 0;
  }
  const uint64_t whole = size / 32 * 32;
  for (uint64_t i = 0; i < whole; i += 32)
    block(p + i);
  length_ += whole;
  std::memcpy(pending_, p + whole, size - whole);
  pending_size_ = size - whole;
}

uint64_t StreamHash::finish() const {
  StreamHash done = *this;
  unsigned char last[32] = {};
  std::memcpy(last, pending_, pending_size_);
  last[31] = static_cast<unsigned char>(pending_size_);
  done.block(last);
  uint64_t h = (length_ + pending_size_) * kMul;
  for (uint64_t v : done.lane_)
    h = mix(h ^ v) * kMul;
  return mix(h);
}

uint64_t hash_bytes(const void* data, uint64_t size, uint64_t seed) {
  StreamHash h(seed);
  h.add(data, size);
  return h.finish();
}

uint64_t hash_file(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), std::fclose);
  RECUR_CHECK(file != nullptr, "cannot read ", path);
  std::vector<unsigned char> buffer(4 << 20);
  StreamHash h;
  size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), file.get())) > 0)
    h.add(buffer.data(), n);
  RECUR_CHECK(!std::ferror(file.get()), "cannot read ", path);
  return h.finish();
}

std::string hex64(uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof(text), "%016llx", static_cast<unsigned long long>(value));
  return text;
}

}  // namespace recur
