// What a forward pass needs besides its inputs: the tape, whether it trains, and the keys that
// make its random draws independent of the rank it runs on. Made by name (for_training,
// for_inference), so that the keys cannot be given in the wrong order.
#pragma once

#include <string>
#include <string_view>

#include "autograd/ops/dropout.h"
#include "autograd/tape.h"

namespace recur {

struct ForwardContext {
  Tape& tape;
  bool training = false;
  uint64_t seed = 0;
  int64_t step = 0;          // global optimiser step: dropout differs from step to step
  int64_t batch_offset = 0;  // global index of this rank's first batch row (stream or example)
  int64_t time_offset = 0;   // position in the sequence of the first step this pass computes

  // A training pass of optimiser step `step`, its dropout drawn from `seed`.
  static ForwardContext for_training(Tape& tape, uint64_t seed, int64_t step,
                                     int64_t batch_offset) {
    return {tape, true, seed, step, batch_offset};
  }
  // Evaluation or decoding: no dropout.
  static ForwardContext for_inference(Tape& tape, int64_t batch_offset = 0) {
    return {tape, false, 0, 0, batch_offset};
  }

  // Dropout of probability p at the named site (p is 0 outside training).
  DropoutSpec dropout(double p, std::string_view site) const {
    return {training ? p : 0.0,
            RandomStream(seed, RngPurpose::Dropout, static_cast<uint64_t>(step),
                         hash_name(site.data(), site.size())),
            batch_offset, time_offset};
  }

 private:
  ForwardContext(Tape& t, bool train, uint64_t s, int64_t st, int64_t offset)
      : tape(t), training(train), seed(s), step(st), batch_offset(offset) {}
};

}  // namespace recur
