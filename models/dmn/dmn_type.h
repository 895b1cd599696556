// The dmn model type's row in the registry (registry.cpp).
#pragma once

#include <memory>

#include "registry.h"

namespace recur {

ConfigSection dmn_section();
std::unique_ptr<Model> build_dmn(const ExperimentConfig& config, VocabSizes vocab,
                                 ParameterStore& store);

}  // namespace recur
