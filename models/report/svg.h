// Small helpers for the SVG files recur writes (attention heatmaps, comparison charts).
#pragma once

#include <string>

namespace recur {

// Text safe inside SVG elements and attribute values.
std::string escape_xml(const std::string& text);

}  // namespace recur
