#include "core/rng.h"

#include <cmath>
#include <numbers>

namespace recur {

namespace {

constexpr uint32_t kMul0 = 0xD2511F53u, kMul1 = 0xCD9E8D57u;
constexpr uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;

uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

}  // namespace

std::array<uint32_t, 4> philox4x32(std::array<uint32_t, 4> c, std::array<uint32_t, 2> k) {
  for (int round = 0; round < 10; ++round) {
    uint64_t p0 = static_cast<uint64_t>(kMul0) * c[0];
    uint64_t p1 = static_cast<uint64_t>(kMul1) * c[2];
    c = {static_cast<uint32_t>(p1 >> 32) ^ c[1] ^ k[0], static_cast<uint32_t>(p1),
         static_cast<uint32_t>(p0 >> 32) ^ c[3] ^ k[1], static_cast<uint32_t>(p0)};
    k[0] += kWeyl0;
    k[1] += kWeyl1;
  }
  return c;
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
