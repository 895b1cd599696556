#include "skipgram/skipgram_type.h"

#include "skipgram/skipgram.h"

namespace recur {

ConfigSection skipgram_section() {
  return ConfigSection::of<SkipGramConfig>();
}

std::unique_ptr<Model> build_skipgram(const ExperimentConfig& config, VocabSizes vocab,
                                      ParameterStore& store) {
  return std::make_unique<SkipGram>(config.model.as<SkipGramConfig>(), vocab.input, store);
}

}  // namespace recur
