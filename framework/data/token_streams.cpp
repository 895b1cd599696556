#include "data/token_streams.h"

namespace recur {

TokenStreams::TokenStreams(const TokenSequence* sequence, int64_t streams)
    : sequence_(sequence),
      streams_(streams),
      length_(streams > 0 ? sequence->size() / streams : 0) {
  RECUR_CHECK(streams > 0, "number of streams must be positive, got ", streams);
  RECUR_CHECK(length_ >= 2, "the data (", sequence->size(), " tokens) is too short for ", streams,
              " streams: each needs at least 2 tokens");
}

StreamWindow TokenStreams::window(int64_t position, int64_t steps, int64_t first, int64_t count,
                                  DType keep_dtype) const {
  RECUR_ASSERT(position >= 0 && steps >= 1 && position + steps <= last_position(), "window [",
               position, ", ", position + steps, ") of streams of length ", length_);
  RECUR_ASSERT(first >= 0 && count >= 1 && first + count <= streams_, "streams [", first, ", ",
               first + count, ") of ", streams_);
  StreamWindow w;
  w.inputs = Tensor::empty({steps, count}, DType::I32);
  w.targets = Tensor::empty({steps, count}, DType::I32);
  w.keep = Tensor::empty({steps, count}, keep_dtype);
  int32_t* in = w.inputs.data<int32_t>();
  int32_t* out = w.targets.data<int32_t>();
  for (int64_t t = 0; t < steps; ++t) {
    for (int64_t b = 0; b < count; ++b) {
      const int64_t stream = first + b, p = position + t;
      const int64_t i = t * count + b;
      in[i] = token(stream, p);
      const int32_t next = token(stream, p + 1);
      out[i] = next == Vocab::kBos ? StreamWindow::kIgnore : next;
      if (out[i] != StreamWindow::kIgnore) {
        w.targets_counted += 1;
        w.target_chars += sequence_->chars(stream * length_ + p + 1);
      }
    }
  }
  dispatch_float(keep_dtype, [&]<class T>() {
    T* keep = w.keep.data<T>();
    for (int64_t i = 0; i < steps * count; ++i)
      keep[i] = in[i] == Vocab::kBos ? T(0) : T(1);
  });
  return w;
}

int64_t TokenStreams::count_targets(int64_t position, int64_t steps) const {
  int64_t n = 0;
  for (int64_t b = 0; b < streams_; ++b) {
    for (int64_t p = position + 1; p <= position + steps; ++p)
      n += token(b, p) != Vocab::kBos;
  }
  return n;
}

}  // namespace recur
