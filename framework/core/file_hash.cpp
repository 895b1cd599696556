#include "core/file_hash.h"

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

// Four independent lanes over 32-byte blocks, so the multiplications pipeline.
struct Hasher {
  uint64_t lane[4];
  uint64_t length = 0;

  explicit Hasher(uint64_t seed) : lane{seed ^ 1, seed ^ 2, seed ^ 3, seed ^ 4} {}

  void block(const unsigned char* p) {
    for (int i = 0; i < 4; ++i) {
      uint64_t w;
      std::memcpy(&w, p + 8 * i, 8);
      lane[i] = (lane[i] ^ w) * kMul;
      lane[i] ^= lane[i] >> 32;
    }
  }
  // Every full 32-byte block of `data`; returns the bytes consumed.
  uint64_t blocks(const unsigned char* data, uint64_t size) {
    const uint64_t whole = size / 32 * 32;
    for (uint64_t i = 0; i < whole; i += 32)
      block(data + i);
    length += whole;
    return whole;
  }
  uint64_t finish(const unsigned char* tail, uint64_t size) {
    unsigned char last[32] = {};
    std::memcpy(last, tail, size);
    last[31] = static_cast<unsigned char>(size);
    block(last);
    length += size;
    uint64_t h = length * kMul;
    for (uint64_t v : lane)
      h = mix(h ^ v) * kMul;
    return mix(h);
  }
};

}  // namespace

uint64_t hash_bytes(const void* data, uint64_t size, uint64_t seed) {
  const auto* p = static_cast<const unsigned char*>(data);
  Hasher h(seed);
  const uint64_t done = h.blocks(p, size);
  return h.finish(p + done, size - done);
}

uint64_t hash_file(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), std::fclose);
  RECUR_CHECK(file != nullptr, "cannot read ", path);
  constexpr size_t kBuffer = 4 << 20;  // a multiple of the 32-byte block
  std::vector<unsigned char> buffer(kBuffer);
  Hasher h(0);
  size_t n = 0;
  for (;;) {
    n = std::fread(buffer.data(), 1, kBuffer, file.get());
    if (n < kBuffer) break;
    h.blocks(buffer.data(), n);
  }
  RECUR_CHECK(!std::ferror(file.get()), "cannot read ", path);
  const uint64_t done = h.blocks(buffer.data(), n);
  return h.finish(buffer.data() + done, n - done);
}

std::string hex64(uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof(text), "%016llx", static_cast<unsigned long long>(value));
  return text;
}

}  // namespace recur
