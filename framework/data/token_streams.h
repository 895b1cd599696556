// Truncated-BPTT batches: B parallel streams cut from one token sequence.
//
// Stream b is the contiguous slice [b * L, (b + 1) * L) of the sequence, L = size / B (the rest
// is dropped), as in PyTorch's word_language_model. A window covers steps [p, p + T) of the
// streams; its targets are the next tokens. B is global: ranks take disjoint ranges of streams,
// so the data a step sees does not depend on the number of ranks.
#pragma once

#include "core/tensor.h"
#include "data/text_corpus.h"

namespace recur {

struct StreamWindow {
  Tensor inputs;   // (T, n) i32
  Tensor targets;  // (T, n) i32; kIgnore where a document starts (its <bos> is not predicted)
  Tensor keep;     // (T, n) 0 where the input starts a document (state reset), else 1
  int64_t targets_counted = 0;  // targets that are not kIgnore
  int64_t target_chars = 0;     // characters those targets stand for

  static constexpr int32_t kIgnore = -1;
};

class TokenStreams {
 public:
  // Throws Error if the sequence is too short to give every stream at least two tokens.
  TokenStreams(const TokenSequence* sequence, int64_t streams);

  int64_t streams() const { return streams_; }
  int64_t length() const { return length_; }  // tokens per stream
  // Windows start at positions 0 .. length() - 2 (the last token has no target).
  int64_t last_position() const { return length_ - 1; }

  // Steps [position, position + steps) of streams [first, first + count).
  StreamWindow window(int64_t position, int64_t steps, int64_t first, int64_t count,
                      DType keep_dtype) const;
  // Targets counted in steps [position, position + steps) of all streams.
  int64_t count_targets(int64_t position, int64_t steps) const;

 private:
  int32_t token(int64_t stream, int64_t position) const {
    return sequence_->id(stream * length_ + position);
  }

  const TokenSequence* sequence_;
  int64_t streams_;
  int64_t length_;
};

}  // namespace recur
