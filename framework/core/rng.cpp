#include "core/rng.h"

#include <cmath>
#include <numbers>

#include "core/philox.h"

namespace recur {

namespace {

uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

}  // namespace

std::array<uint32_t, 4> philox4x32(std::array<uint32_t, 4> counter, std::array<uint32_t, 2> key) {
  const PhiloxBlock out =
      philox4x32_10({{counter[0], counter[1], counter[2], counter[3]}}, key[0], key[1]);
  return {out.lane[0], out.lane[1], out.lane[2], out.lane[3]};
}

RandomStream::RandomStream(uint64_t seed, RngPurpose purpose, uint64_t tag_a, uint64_t tag_b) {
  uint64_t key = splitmix64(seed);
  key = splitmix64(key ^ static_cast<uint64_t>(purpose));
  key = splitmix64(key ^ tag_a);
  key = splitmix64(key ^ tag_b);
  key_ = {static_cast<uint32_t>(key), static_cast<uint32_t>(key >> 32)};
}

double RandomStream::uniform_f64(uint64_t sub, uint64_t index) const {
  auto b = block(sub, index / 2);
  int lane = static_cast<int>(index % 2) * 2;
  uint64_t bits53 = (static_cast<uint64_t>(b[lane]) << 21) ^ (b[lane + 1] >> 11);
  return static_cast<double>(bits53) * 0x1p-53;
}

double RandomStream::normal(uint64_t sub, uint64_t index) const {
  double u1 = 1.0 - uniform_f64(sub, 2 * index);  // (0, 1]: log is finite
  double u2 = uniform_f64(sub, 2 * index + 1);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

uint64_t hash_name(const char* text, uint64_t size) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (uint64_t i = 0; i < size; ++i) {
    h ^= static_cast<unsigned char>(text[i]);
    h *= 0x100000001b3ull;
  }
  return h;
}

}  // namespace recur
