#include <cmath>

#include "config/visitor.h"
#include "core/error.h"

namespace recur {

bool Bounds::contains(double v) const {
  if (std::isnan(v)) return false;
  if (min_open ? v <= min : v < min) return false;
  if (max_open ? v >= max : v > max) return false;
  return true;
}

std::string Bounds::str() const {
  const bool has_min = std::isfinite(min), has_max = std::isfinite(max);
  if (has_min && has_max) {
    return concat("in ", min_open ? "(" : "[", min, ", ", max, max_open ? ")" : "]");
  }
  if (has_min) return concat(min_open ? "> " : ">= ", min);
  if (has_max) return concat(max_open ? "< " : "<= ", max);
  return "any value";
}

}  // namespace recur
