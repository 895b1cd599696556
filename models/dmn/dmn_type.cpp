#include "dmn/dmn_type.h"

#include "dmn/dmn.h"

namespace recur {

ConfigSection dmn_section() {
  return ConfigSection::of<DmnConfig>();
}

std::unique_ptr<Model> build_dmn(const ExperimentConfig& config, VocabSizes vocab,
                                 ParameterStore& store) {
  return std::make_unique<Dmn>(config.model.as<DmnConfig>(), vocab.input, store);
}

}  // namespace recur
