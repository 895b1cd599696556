// Parallel corpora for sequence-to-sequence models: one sentence per line in two files, line i of
// the source file translating line i of the target file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "data/tokenizer.h"
#include "data/vocab.h"

namespace recur {

struct ParallelText {
  std::string source_path, target_path;
  std::vector<std::string> source, target;
  int64_t blank = 0;       // lines empty on both sides (document breaks): not pairs
  int64_t half_empty = 0;  // pairs with one side empty: skipped

  // Throws Error naming the file (and line) when a file is missing, not UTF-8, or the two files
  // have different numbers of lines.
  static ParallelText read(const std::string& source_path, const std::string& target_path);
};

struct ParallelData {
  std::vector<std::vector<int32_t>> source, target;  // token ids, no special tokens
  int64_t too_long = 0;  // pairs skipped: a side longer than the maximum length
  int64_t source_tokens = 0, target_tokens = 0;
  int64_t source_unknown = 0, target_unknown = 0;  // tokens that became <unk>

  // max_length 0: no limit. `references`, if given, receives the target line of every kept pair.
  static ParallelData encode(const ParallelText& text, const TextTokenizer& source_tokenizer,
                             const Vocab& source_vocab, const TextTokenizer& target_tokenizer,
                             const Vocab& target_vocab, int64_t max_length,
                             std::vector<std::string>* references = nullptr);
  int64_t size() const { return static_cast<int64_t>(source.size()); }
};

// A batch as the model reads it, time-major.
struct Seq2SeqBatch {
  Tensor source;              // (S, B) i32, <pad> after each sentence (reversed when asked)
  Tensor source_lengths;      // (B) i32
  Tensor target_in;           // (T, B) i32: <bos> y1 .. yn, then <pad>
  Tensor target_out;          // (T, B) i32: y1 .. yn <eos>, then -1 (ignored)
  int64_t target_tokens = 0;  // targets that count (not -1)
  int64_t rows() const { return source.rank() == 2 ? source.dim(1) : 0; }
};

// Builds the batch of `examples` (indices into data); reverse_source reverses each source sentence.
Seq2SeqBatch make_batch(const ParallelData& data, const std::vector<int64_t>& examples,
                        bool reverse_source);

// Batches of about `batch_tokens` padded tokens, from examples sorted by length, so that a batch
// wastes little on padding; the order of the batches is shuffled per epoch from the seed. Batches
// are global: the same whatever the number of ranks.
class TokenBatcher {
 public:
  TokenBatcher(const ParallelData& data, int64_t batch_tokens, uint64_t seed);
  int64_t batches() const { return static_cast<int64_t>(batches_.size()); }
  // The examples of batch `index` of epoch `epoch`, sorted by length.
  const std::vector<int64_t>& batch(int64_t epoch, int64_t index) const;

 private:
  std::vector<std::vector<int64_t>> batches_;
  uint64_t seed_;
  mutable int64_t permuted_epoch_ = -1;  // the epoch permutation_ is for
  mutable std::vector<size_t> permutation_;
};

}  // namespace recur
