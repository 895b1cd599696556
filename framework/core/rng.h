// Counter-based random numbers (Philox4x32-10, Salmon et al. 2011; core/philox.h).
//
// A random number is a pure function of (seed, purpose, two tags, substream, index): no generator
// state to save or to keep in step across ranks. Callers pick tags that do not depend on the rank
// (global step, global stream or example index), so N ranks draw exactly what 1 rank draws, and a
// resumed run draws what the uninterrupted one would have.
#pragma once

#include <array>
#include <cstdint>

#include "core/philox.h"

namespace recur {

enum class RngPurpose : uint64_t { Init = 1, Dropout = 2, Data = 3, Sampling = 4, Test = 5 };

std::array<uint32_t, 4> philox4x32(std::array<uint32_t, 4> counter, std::array<uint32_t, 2> key);

class RandomStream {
 public:
  RandomStream(uint64_t seed, RngPurpose purpose, uint64_t tag_a = 0, uint64_t tag_b = 0);

  // 32 random bits: element `index` of substream `sub`.
  uint32_t bits(uint64_t sub, uint64_t index) const { return draw(sub, index / 4).lane[index % 4]; }
  // Uniform in [0, 1) with 24 bits of resolution (every value exactly representable in f32).
  float uniform(uint64_t sub, uint64_t index) const {
    return static_cast<float>(bits(sub, index) >> 8) * 0x1p-24f;
  }
  // Uniform in [0, 1) with 53 bits, from elements 2*index and 2*index+1.
  double uniform_f64(uint64_t sub, uint64_t index) const;
  // Standard normal (Box-Muller on uniform_f64 draws 2*index and 2*index+1).
  double normal(uint64_t sub, uint64_t index) const;
  // All four 32-bit lanes of one Philox block; fast path for filling masks.
  std::array<uint32_t, 4> block(uint64_t sub, uint64_t block_index) const {
    const PhiloxBlock b = draw(sub, block_index);
    return {b.lane[0], b.lane[1], b.lane[2], b.lane[3]};
  }
  // The Philox key, for kernels that draw this stream's numbers on a device.
  std::array<uint32_t, 2> key() const { return key_; }

 private:
  PhiloxBlock draw(uint64_t sub, uint64_t block_index) const {
    return philox4x32_10(philox_counter(sub, block_index), key_[0], key_[1]);
  }
  std::array<uint32_t, 2> key_;
};

// A 64-bit hash of a string (FNV-1a), for deriving tags from names such as parameter paths.
uint64_t hash_name(const char* text, uint64_t size);

}  // namespace recur
