// The examples word vectors are learnt from, as word2vec makes them: around every centre word a
// window of 1..window words on each side (drawn per centre), within its line, after frequent words
// have been dropped (subsampling); for every (centre, context) pair `negatives` noise words drawn
// by count^noise_power. Every draw is keyed by the centre's (or word's) index in the text and the
// epoch, never by rank or batch, so N ranks draw what 1 rank draws and a resumed run what the
// uninterrupted one would have.
#pragma once

#include <vector>

#include "config/visitor.h"
#include "core/rng.h"
#include "core/tensor.h"
#include "data/text_corpus.h"

namespace recur {

// How the examples are drawn (keys of the model section).
struct ContextSampling {
  int64_t window = 5;         // the most words on each side of a centre that are its context
  int64_t negatives = 5;      // noise words per (centre, context) pair
  double noise_power = 0.75;  // noise words are drawn by count^noise_power
  double subsample = 1e-3;    // word2vec's -sample: frequent words are dropped; 0: none are

  void describe(ConfigVisitor& v);
};

struct ContextBatch {
  Tensor centres;     // (B) i32
  Tensor candidates;  // (B, 2 window, 1 + negatives) i32: each slot's context word, then its noise
  Tensor weights;     // (B, 2 window): 1 for a pair, 0 for an empty slot (a shorter window, the
                      // line's end, a centre that is dropped or not a word)
  int64_t pairs = 0;
};

class ContextSampler {
 public:
  // Counts the words of `train` (ids below Vocab's first word are not words).
  ContextSampler(const ContextSampling& sampling, const TokenSequence& train, int64_t vocab_size,
                 uint64_t seed);

  // One row per centre: the words at text indices `centres` of `text`, in pass `epoch`; weights
  // of `dtype`.
  ContextBatch batch(const TokenSequence& text, const std::vector<int64_t>& centres, uint64_t epoch,
                     DType dtype) const;

  // The probability that `word` is kept (subsampling); 1 without subsampling.
  double keep_probability(int32_t word) const { return keep_[static_cast<size_t>(word)]; }

 private:
  // The draws of one pass over the text.
  struct Draws {
    RandomStream keep, window, noise;
  };
  Draws draws(uint64_t epoch) const;
  // Whether the word at text index `i` is kept in this pass.
  bool kept(const TokenSequence& text, int64_t i, const Draws& d) const;
  // The context of the centre at index `i` on one side (step -1 or +1): text indices, nearest
  // first, at most `reach` kept words, not beyond the line.
  std::vector<int64_t> side(const TokenSequence& text, int64_t i, int64_t step, int64_t reach,
                            const Draws& d) const;
  int32_t noise_word(double uniform) const;
  // Row `row` of the batch: the centre at text index `i`.
  void fill_row(const TokenSequence& text, int64_t row, int64_t i, const Draws& d,
                ContextBatch& batch) const;

  ContextSampling sampling_;
  uint64_t seed_;
  std::vector<double> keep_;       // per id
  std::vector<double> noise_cdf_;  // per id: P(noise word <= id)
};

}  // namespace recur
