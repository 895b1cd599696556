// Philox4x32-10 (Salmon et al. 2011), callable from host and device code, so that CUDA kernels
// draw exactly the numbers RandomStream draws on the CPU.
#pragma once

#include <cstdint>

#include "core/host_device.h"

namespace recur {

struct PhiloxBlock {
  uint32_t lane[4];
};

// Ten rounds over `counter` under the key (k0, k1).
RECUR_HOST_DEVICE PhiloxBlock philox4x32_10(PhiloxBlock counter, uint32_t k0, uint32_t k1) {
  constexpr uint32_t kMul0 = 0xD2511F53u, kMul1 = 0xCD9E8D57u;
  constexpr uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;
  uint32_t* c = counter.lane;
  for (int round = 0; round < 10; ++round) {
    const uint64_t p0 = static_cast<uint64_t>(kMul0) * c[0];
    const uint64_t p1 = static_cast<uint64_t>(kMul1) * c[2];
    const PhiloxBlock next{{static_cast<uint32_t>(p1 >> 32) ^ c[1] ^ k0, static_cast<uint32_t>(p1),
                            static_cast<uint32_t>(p0 >> 32) ^ c[3] ^ k1,
                            static_cast<uint32_t>(p0)}};
    counter = next;
    k0 += kWeyl0;
    k1 += kWeyl1;
  }
  return counter;
}

// The counter of block `block_index` (four draws) of substream `sub`.
RECUR_HOST_DEVICE PhiloxBlock philox_counter(uint64_t sub, uint64_t block_index) {
  return {{static_cast<uint32_t>(block_index), static_cast<uint32_t>(block_index >> 32),
           static_cast<uint32_t>(sub), static_cast<uint32_t>(sub >> 32)}};
}

}  // namespace recur
