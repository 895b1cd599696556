// The language-model family's row in the registry (registry.cpp): its data section and its part
// of a training run.
#pragma once

#include <memory>

#include "registry.h"

namespace recur {

inline constexpr char kLanguageFamily[] = "language";

ConfigSection language_data_section();
bool has_language_validation_data(const ConfigPart& data);
std::unique_ptr<ModelJob> make_language_model_job();

}  // namespace recur
