// Parallel corpora for sequence-to-sequence models: one sentence per line in two files, line i of
// the source file translating line i of the target file. ParallelData holds the token ids of the
// pairs in memory or maps them from a prepared store (docs/data-format.md).
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/tensor.h"
#include "data/line_ranges.h"
#include "data/token_store.h"
#include "data/tokenizer.h"
#include "data/vocab.h"

namespace recur {

// What scan_parallel skipped.
struct ParallelSkips {
  int64_t blank = 0;       // lines empty on both sides (document breaks): not pairs
  int64_t half_empty = 0;  // pairs with one side empty
};

// Reads both files a line at a time, without keeping them: `visit(source, target)` for every pair
// with neither side blank, of the whole files or of the same lines of both (a part of
// split_parallel). Throws Error naming the file (and line) when a file is missing, not UTF-8, the
// two files have different numbers of lines, or the whole files hold no pair.
ParallelSkips scan_parallel(
    const std::string& source_path, const std::string& target_path,
    const std::function<void(const std::string& source, const std::string& target)>& visit,
    const std::pair<LineRange, LineRange>& lines = {});

// split_lines of both files: `parts` pairs of ranges of the same lines. Throws Error when the files
// have different numbers of lines.
std::vector<std::pair<LineRange, LineRange>> split_parallel(const std::string& source_path,
                                                            const std::string& target_path,
                                                            int parts);

struct ParallelText {
  std::string source_path, target_path;
  std::vector<std::string> source, target;
  ParallelSkips skipped;

  // Throws as scan_parallel does.
  static ParallelText read(const std::string& source_path, const std::string& target_path);
};

// The tokens of one side of one pair: a range of a token array.
class TokenSpan {
 public:
  TokenSpan(const UintArray& ids, int64_t begin, int64_t end)
      : ids_(ids), begin_(begin), end_(end) {}
  int64_t size() const { return end_ - begin_; }
  int32_t operator[](int64_t i) const { return static_cast<int32_t>(ids_[begin_ + i]); }
  std::vector<int32_t> to_vector() const;

 private:
  UintArray ids_;
  int64_t begin_, end_;
};

// What encoding a split counted.
struct ParallelCounts {
  int64_t too_long = 0;  // pairs skipped: a side longer than the maximum length
  int64_t source_tokens = 0, target_tokens = 0;
  int64_t source_unknown = 0, target_unknown = 0;  // tokens that became <unk>
};

// Token ids of sentence pairs, no special tokens: per side an array of ids and an array of
// offsets (pair i is ids [offsets[i], offsets[i + 1])). Copies share what they view.
class ParallelData {
 public:
  ParallelData() = default;
  static ParallelData of(const std::vector<std::vector<int32_t>>& source,
                         const std::vector<std::vector<int32_t>>& target);
  // Encodes pairs in memory (recur eval). max_length 0: no limit. `references`, if given, receives
  // the target line of every kept pair. Throws Error when no pair is kept.
  static ParallelData encode(const ParallelText& text, const TextTokenizer& source_tokenizer,
                             const Vocab& source_vocab, const TextTokenizer& target_tokenizer,
                             const Vocab& target_vocab, int64_t max_length,
                             std::vector<std::string>* references = nullptr);
  // The arrays of a store that write_parallel_data wrote.
  static ParallelData mapped(const TokenStore& store);

  int64_t size() const { return source_.offsets.size() > 0 ? source_.offsets.size() - 1 : 0; }
  TokenSpan source(int64_t i) const { return source_.span(i); }
  TokenSpan target(int64_t i) const { return target_.span(i); }
  int64_t source_length(int64_t i) const { return source_.length(i); }
  int64_t target_length(int64_t i) const { return target_.length(i); }
  // The longer of pair i's source and its target with <eos>: its columns in a padded batch.
  int64_t padded_length(int64_t i) const {
    return std::max(source_length(i), target_length(i) + 1);
  }
  const ParallelCounts& counts() const { return counts_; }

 private:
  struct Side {
    UintArray ids, offsets;
    int64_t length(int64_t i) const { return static_cast<int64_t>(offsets[i + 1] - offsets[i]); }
    TokenSpan span(int64_t i) const {
      return {ids, static_cast<int64_t>(offsets[i]), static_cast<int64_t>(offsets[i + 1])};
    }
  };

  Side source_, target_;
  std::shared_ptr<const void> owner_;  // what the arrays view: vectors or a mapped store
  ParallelCounts counts_;
};

// The examples in the order TokenBatcher batches them: by padded length (the longer of the source
// and the target with <eos>), then source length, then index. Reads only the offsets.
std::vector<uint32_t> length_order(const ParallelData& data);

// What ParallelData::encode gives for two text files (or for the same `lines` of both: a part of
// split_parallel), in their order, written as a store's arrays source_ids, source_offsets,
// target_ids and target_offsets without holding the texts or their tokens. Returns the figures
// `mapped` reads from the store's meta (pairs and the ParallelCounts) and what scan_parallel
// skipped. Keeping no pair is not an error here: the caller decides for the whole texts.
Json write_parallel_data(const std::string& source_path, const std::string& target_path,
                         const TextTokenizer& source_tokenizer, const Vocab& source_vocab,
                         const TextTokenizer& target_tokenizer, const Vocab& target_vocab,
                         int64_t max_length, TokenStoreWriter& writer,
                         const std::pair<LineRange, LineRange>& lines = {});

// The stores write_parallel_data wrote for the parts of texts, as one store written by `writer`:
// in text order, or with `sort_by_length` in length_order (through a scratch store in text order
// inside the writer's temporary folder when there are several parts; 4 bytes of memory per pair).
// Returns the parts' figures summed (and sorted_by_length).
Json merge_parallel_data(const std::vector<TokenStore>& parts, const Vocab& source_vocab,
                         const Vocab& target_vocab, bool sort_by_length, TokenStoreWriter& writer);

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
// are global: the same whatever the number of ranks. Reads only the data's offsets.
class TokenBatcher {
 public:
  TokenBatcher(const ParallelData& data, int64_t batch_tokens, uint64_t seed);
  int64_t batches() const { return static_cast<int64_t>(starts_.size()) - 1; }
  // The examples of batch `index` of epoch `epoch`, sorted by length.
  std::vector<int64_t> batch(int64_t epoch, int64_t index) const;

 private:
  std::vector<uint32_t> order_;  // the examples sorted by length
  std::vector<int64_t> starts_;  // batch b is order_[starts_[b], starts_[b + 1])
  uint64_t seed_;
  mutable int64_t permuted_epoch_ = -1;  // the epoch permutation_ is for
  mutable std::vector<size_t> permutation_;
};

}  // namespace recur
