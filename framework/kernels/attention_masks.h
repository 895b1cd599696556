// The keys that multi-head attention sees (masks in kernels/cpu/multi_head_attention.h), written
// once for the CPU loops and the CUDA kernels.
#pragma once

#include <cstdint>

#include "core/host_device.h"
#include "kernels/kernel_types.h"

namespace recur::kernels {

// Keys [0, visible) that query i of a sequence with `key_length` keys sees: the keys that are not
// padding (key_length clamped to [1, d.keys]) and, when causal, not after the query (queries are
// the last d.queries of d.keys positions). At least one.
RECUR_HOST_DEVICE int64_t visible_keys(const MultiHeadDims& d, int32_t key_length, int64_t i) {
  int64_t visible = key_length < 1 ? 1 : (key_length > d.keys ? d.keys : key_length);
  const int64_t causal_limit = i + d.keys - d.queries + 1;
  if (d.causal && causal_limit < visible) visible = causal_limit;
  return visible < 1 ? 1 : visible;
}

}  // namespace recur::kernels
