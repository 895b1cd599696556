// The skipgram model type's row in the registry (registry.cpp).
#pragma once

#include <memory>

#include "registry.h"

namespace recur {

ConfigSection skipgram_section();
std::unique_ptr<Model> build_skipgram(const ExperimentConfig& config, VocabSizes vocab,
                                      ParameterStore& store);

}  // namespace recur
