// Dropout with masks keyed by global position (see kernels/cpu/dropout.h).
#pragma once

#include "autograd/tape.h"
#include "core/rng.h"

namespace recur {

struct DropoutSpec {
  double p = 0.0;            // probability of dropping an element
  RandomStream stream;       // keyed by (seed, purpose, step, site): never by rank
  int64_t batch_offset = 0;  // global index of this rank's first batch row
  int64_t time_offset = 0;   // position of the first step in its sequence (step-by-step decoding)
};

// x (T, B, W) or (B, W); the mask of element (t, b, j) depends only on (stream, time_offset + t,
// global b, j).
// With p == 0 returns x itself.
Var dropout(Tape& tape, const Var& x, const DropoutSpec& spec);

}  // namespace recur
