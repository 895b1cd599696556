// model.type transformer and transformer_lm in the registry (registry.cpp): their model sections
// (the same struct, with each type's keys) and their factories.
#pragma once

#include <memory>

#include "registry.h"

namespace recur {

ConfigSection transformer_section();
std::unique_ptr<Model> build_transformer(const ExperimentConfig& config, VocabSizes vocab,
                                         ParameterStore& store);

ConfigSection transformer_lm_section();
std::unique_ptr<Model> build_transformer_lm(const ExperimentConfig& config, VocabSizes vocab,
                                            ParameterStore& store);

}  // namespace recur
