// Typed configuration. Each config struct lists its keys once, in a describe(ConfigVisitor&)
// method; the same description reads YAML into the struct (with file:line errors), writes the
// resolved config back out, and generates the reference in docs/config.md. Model code only ever
// sees the typed structs.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace recur {

// Allowed range of a number: min <= value <= max, with optionally open ends.
struct Bounds {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_open = false;
  bool max_open = false;

  static Bounds any() { return {}; }
  static Bounds positive() { return {0.0, Bounds{}.max, true, false}; }
  static Bounds non_negative() { return {0.0, Bounds{}.max, false, false}; }
  static Bounds at_least(double v) { return {v, Bounds{}.max, false, false}; }
  static Bounds closed(double lo, double hi) { return {lo, hi, false, false}; }
  static Bounds probability() { return {0.0, 1.0, false, true}; }  // [0, 1)
  bool contains(double v) const;
  std::string str() const;
};

class ConfigVisitor {
 public:
  virtual ~ConfigVisitor() = default;

  virtual void section(const char* key, const char* help,
                       const std::function<void(ConfigVisitor&)>& body) = 0;
  virtual void field(const char* key, bool& value, const char* help) = 0;
  virtual void field(const char* key, int64_t& value, const char* help, Bounds bounds) = 0;
  virtual void field(const char* key, double& value, const char* help, Bounds bounds) = 0;
  virtual void field(const char* key, std::string& value, const char* help) = 0;
  virtual void field(const char* key, std::vector<double>& value, const char* help,
                     Bounds bounds) = 0;
  // A path; relative paths are resolved against the folder of the config file that sets them
  // (or the working directory for --set). Required paths must be given.
  virtual void path(const char* key, std::string& value, const char* help, bool required) = 0;
  // A count that may be "auto" (stored as 0).
  virtual void count_or_auto(const char* key, int64_t& value, const char* help) = 0;
  // One of a fixed set of names; `index` is the position of the chosen name.
  virtual void choice_index(const char* key, size_t& index, const std::vector<std::string>& names,
                            const char* help) = 0;

  // One of a fixed set of names mapped to enum values.
  template <class Enum>
  void choice(const char* key, Enum& value,
              std::initializer_list<std::pair<const char*, Enum>> names, const char* help) {
    std::vector<std::string> text;
    size_t index = 0;
    for (const auto& [name, e] : names) {
      if (e == value) index = text.size();
      text.emplace_back(name);
    }
    choice_index(key, index, text, help);
    value = (names.begin() + index)->second;
  }
};

// Cross-field checks run after reading; errors name the key and where it was set.
class ConfigChecker {
 public:
  virtual ~ConfigChecker() = default;
  // Records an error against `key` (dotted path, e.g. "model.tie_embeddings") unless ok.
  virtual void require(bool ok, const std::string& key, const std::string& message) = 0;
};

}  // namespace recur
