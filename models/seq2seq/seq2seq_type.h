// model.type seq2seq in the registry (registry.cpp): its model section and its factory.
#pragma once

#include <memory>

#include "registry.h"

namespace recur {

ConfigSection seq2seq_section();
std::unique_ptr<Model> build_seq2seq(const ExperimentConfig& config, VocabSizes vocab,
                                     ParameterStore& store);

}  // namespace recur
