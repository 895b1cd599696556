// model.type lstm_lm in the registry (registry.cpp): its model section and its factory.
#pragma once

#include <memory>

#include "registry.h"

namespace recur {

ConfigSection lstm_lm_section();
std::unique_ptr<Model> build_lstm_lm(const ExperimentConfig& config, VocabSizes vocab,
                                     ParameterStore& store);

}  // namespace recur
