// Reads a YAML config file plus --set overrides into typed structs.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "config/visitor.h"

namespace recur {

struct ConfigInput {
  std::string file;                    // the YAML file (or, with `text`, the name shown in errors)
  std::string text;                    // YAML to read instead of the file (a stored config)
  std::vector<std::string> overrides;  // "a.b=value" from --set, applied in order
};

// Loads input.file, applies the overrides, reads the result through `describe`, then runs `check`.
// Throws Error with one line per problem; each names where the value came from (file:line or the
// --set argument), the dotted key, and what is wrong (with a suggestion for misspelt keys).
void read_config(const ConfigInput& input, const std::function<void(ConfigVisitor&)>& describe,
                 const std::function<void(ConfigChecker&)>& check);

// Closest candidate to `word` by edit distance, or "" if none is close enough to suggest.
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace recur
