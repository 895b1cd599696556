// A digest of the token ids a rank trains on: each logged step's line in metrics.rank<r>.jsonl
// carries the digest of the batches since the previous one ("batch_digest"), so that two data
// readers can be shown to feed exactly the same batches to every rank.
#pragma once

#include <cstdint>

#include "core/tensor.h"

namespace recur {

class BatchDigest {
 public:
  // Adds a tensor of i32 token ids (on any device), shape and values.
  void add(const Tensor& ids);
  // The digest of what was added since the last call (0 if nothing), and starts again.
  uint64_t take();

 private:
  uint64_t digest_ = 0;
};

}  // namespace recur
