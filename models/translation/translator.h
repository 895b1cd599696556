// Translation of text or token ids with a trained model: batching by length, the model's source
// reversal, detokenisation, and each output token's attention over the source.
#pragma once

#include <string>
#include <vector>

#include "translation/search.h"
#include "translation/translation_data.h"

namespace recur {

struct Translation {
  std::string text;                           // detokenised
  std::vector<std::string> tokens;            // output tokens
  std::vector<std::string> source_tokens;     // in reading order
  std::vector<std::vector<float>> attention;  // per output token (and <eos>), over source_tokens
  double score = 0;                           // length-normalised log probability
};

class Translator {
 public:
  Translator(const TranslationModel& model, const TranslationData& vocabularies)
      : model_(model), data_(vocabularies) {}

  // The n best translations of each sentence.
  std::vector<std::vector<Translation>> translate(const std::vector<std::string>& sentences,
                                                  const SearchOptions& options) const;
  // The same from source token ids (as a ParallelData holds them).
  std::vector<std::vector<Translation>> translate_ids(
      const std::vector<std::vector<int32_t>>& sources, const SearchOptions& options) const;

 private:
  const TranslationModel& model_;
  const TranslationData& data_;
};

}  // namespace recur
