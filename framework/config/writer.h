// Writes a config back out: the resolved YAML (for the run directory and checkpoints) and the
// Markdown reference of every key (docs/config.md).
#pragma once

#include <functional>
#include <string>

#include "config/visitor.h"

namespace recur {

std::string config_to_yaml(const std::function<void(ConfigVisitor&)>& describe);
std::string config_reference_markdown(const std::function<void(ConfigVisitor&)>& describe);

}  // namespace recur
