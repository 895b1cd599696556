// Decoding: batched beam search (greedy is beam 1) with length normalisation and a maximum length
// relative to the source, optionally keeping every hypothesis's attention.
#pragma once

#include <cstdint>
#include <vector>

#include "translation/translation_model.h"

namespace recur {

struct SearchOptions {
  int64_t beam = 1;
  double length_penalty = 1.0;    // rank by log p / length^length_penalty
  double max_length_ratio = 2.0;  // at most ratio x source length + 10 tokens
  int64_t nbest = 1;
  bool keep_attention = false;
};

struct Hypothesis {
  std::vector<int32_t> tokens;  // without <eos>
  double log_prob = 0;
  double score = 0;  // log_prob / (tokens + 1)^length_penalty
  std::vector<std::vector<float>>
      attention;  // per output token (and <eos>): weights over the source
};

// sources: token ids as the model reads them (reversed already when the model reverses). Returns
// the n best hypotheses of each, best first.
std::vector<std::vector<Hypothesis>> beam_search(const TranslationModel& model,
                                                 const std::vector<std::vector<int32_t>>& sources,
                                                 const SearchOptions& options);

}  // namespace recur
