// The translation family's row in the registry (registry.cpp): its data section and its part of a
// training run.
#pragma once

#include <memory>

#include "registry.h"

namespace recur {

inline constexpr char kTranslationFamily[] = "translation";

ConfigSection translation_data_section();
bool has_translation_validation_data(const ConfigPart& data);
std::unique_ptr<ModelJob> make_translation_job();

}  // namespace recur
