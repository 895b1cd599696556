#include "embedding/context_sampler.h"

#include <algorithm>
#include <cmath>

#include "core/dtype.h"
#include "data/vocab.h"

namespace recur {

namespace {

// The purposes of the data draws (RandomStream's first tag is the epoch).
enum DrawTag : uint64_t { kKeepDraw = 1, kWindowDraw = 2, kNoiseDraw = 3 };

// Ids up to <eos> are the vocabulary's special tokens, not words.
bool is_word(int32_t id) {
  return id > Vocab::kEos;
}

}  // namespace

void ContextSampling::describe(ConfigVisitor& v) {
  v.field("window", window,
          "the most words on each side of a centre word that count as its context; each centre "
          "takes a window drawn uniformly from 1 to this, as word2vec does",
          Bounds::at_least(1));
  v.field("negatives", negatives, "noise words drawn for every (centre, context) pair",
          Bounds::at_least(1));
  v.field("noise_power", noise_power,
          "noise words are drawn with probability proportional to count^noise_power (one may "
          "be the context word itself, which word2vec would skip)",
          Bounds::closed(0.0, 1.0));
  v.field("subsample", subsample,
          "a word of frequency f is dropped from the text with probability 1 - (sqrt(f / s) + 1) "
          "s / f, drawn anew every epoch (word2vec's -sample); 0 drops none",
          Bounds::closed(0.0, 1.0));
}

ContextSampler::ContextSampler(const ContextSampling& sampling, const TokenSequence& train,
                               int64_t vocab_size, uint64_t seed)
    : sampling_(sampling),
      seed_(seed),
      keep_(static_cast<size_t>(vocab_size), 1.0),
      noise_cdf_(static_cast<size_t>(vocab_size), 0.0) {
  std::vector<int64_t> counts(static_cast<size_t>(vocab_size), 0);
  int64_t words = 0;
  for (int64_t i = 0; i < train.size(); ++i) {
    const int32_t id = train.id(i);
    if (!is_word(id)) continue;
    counts[static_cast<size_t>(id)] += 1;
    words += 1;
  }
  RECUR_CHECK(words > 0,
              "the training text has no words to learn vectors of: every token is "
              "<unk> or a special token (see data.min_frequency and data.vocab)");
  double mass = 0.0;
  const double threshold = sampling.subsample * static_cast<double>(words);
  for (size_t id = 0; id < counts.size(); ++id) {
    const auto count = static_cast<double>(counts[id]);
    mass += count > 0 ? std::pow(count, sampling.noise_power) : 0.0;
    noise_cdf_[id] = mass;
    if (count > 0 && threshold > 0) {
      keep_[id] = std::min(1.0, (std::sqrt(count / threshold) + 1.0) * threshold / count);
    }
  }
  for (double& p : noise_cdf_)
    p /= mass;
}

ContextSampler::Draws ContextSampler::draws(uint64_t epoch) const {
  return {RandomStream(seed_, RngPurpose::Data, epoch, kKeepDraw),
          RandomStream(seed_, RngPurpose::Data, epoch, kWindowDraw),
          RandomStream(seed_, RngPurpose::Data, epoch, kNoiseDraw)};
}

bool ContextSampler::kept(const TokenSequence& text, int64_t i, const Draws& d) const {
  const double p = keep_probability(text.id(i));
  return p >= 1.0 || d.keep.uniform_f64(static_cast<uint64_t>(i), 0) < p;
}

std::vector<int64_t> ContextSampler::side(const TokenSequence& text, int64_t i, int64_t step,
                                          int64_t reach, const Draws& d) const {
  std::vector<int64_t> found;
  for (int64_t j = i + step; j >= 0 && j < text.size() && std::ssize(found) < reach; j += step) {
    const int32_t id = text.id(j);
    if (id == Vocab::kUnk) continue;  // an unknown word is left out, as word2vec does
    if (!is_word(id)) break;          // <bos>, <eos>: the line ends
    if (kept(text, j, d)) found.push_back(j);
  }
  return found;
}

int32_t ContextSampler::noise_word(double uniform) const {
  // The last cumulative value is mass / mass = 1 exactly, above every uniform draw.
  return static_cast<int32_t>(std::upper_bound(noise_cdf_.begin(), noise_cdf_.end(), uniform) -
                              noise_cdf_.begin());
}

void ContextSampler::fill_row(const TokenSequence& text, int64_t row, int64_t i, const Draws& d,
                              ContextBatch& batch) const {
  const int32_t centre = text.id(i);
  batch.centres.data<int32_t>()[row] = centre;
  if (!is_word(centre) || !kept(text, i, d)) return;
  const int64_t window = sampling_.window, samples = 1 + sampling_.negatives;
  const auto reach = static_cast<int64_t>(1 + d.window.bits(static_cast<uint64_t>(i), 0) %
                                                  static_cast<uint32_t>(window));
  int32_t* candidates = batch.candidates.data<int32_t>() + row * 2 * window * samples;
  for (int64_t half = 0; half < 2; ++half) {
    const std::vector<int64_t> context = side(text, i, half == 0 ? -1 : 1, reach, d);
    for (size_t k = 0; k < context.size(); ++k) {
      const int64_t slot = half * window + static_cast<int64_t>(k);
      int32_t* slot_ids = candidates + slot * samples;
      slot_ids[0] = text.id(context[k]);
      for (int64_t n = 1; n < samples; ++n) {
        slot_ids[n] = noise_word(d.noise.uniform_f64(static_cast<uint64_t>(i),
                                                     static_cast<uint64_t>(slot * samples + n)));
      }
      dispatch_float(batch.weights.dtype(),
                     [&]<class T>() { batch.weights.data<T>()[row * 2 * window + slot] = T(1); });
      batch.pairs += 1;
    }
  }
}

ContextBatch ContextSampler::batch(const TokenSequence& text, const std::vector<int64_t>& centres,
                                   uint64_t epoch, DType dtype) const {
  const auto rows = std::ssize(centres);
  const int64_t slots = 2 * sampling_.window, samples = 1 + sampling_.negatives;
  ContextBatch batch{Tensor::zeros({rows}, DType::I32),
                     Tensor::zeros({rows, slots, samples}, DType::I32),
                     Tensor::zeros({rows, slots}, dtype), 0};
  const Draws d = draws(epoch);
  for (int64_t row = 0; row < rows; ++row)
    fill_row(text, row, centres[static_cast<size_t>(row)], d, batch);
  return batch;
}

}  // namespace recur
