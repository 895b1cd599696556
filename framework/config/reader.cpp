#include "config/reader.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <set>

#include "core/error.h"

namespace recur {

namespace fs = std::filesystem;

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = std::max<size_t>(2, word.size() / 3) + 1;
  for (const std::string& c : candidates) {
    std::vector<size_t> row(c.size() + 1);
    for (size_t j = 0; j <= c.size(); ++j)
      row[j] = j;
    for (size_t i = 1; i <= word.size(); ++i) {
      size_t diagonal = row[0];
      row[0] = i;
      for (size_t j = 1; j <= c.size(); ++j) {
        size_t above = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (word[i - 1] != c[j - 1])});
        diagonal = above;
      }
    }
    if (row[c.size()] < best_distance) {
      best_distance = row[c.size()];
      best = c;
    }
  }
  return best;
}

namespace {

// Where values came from, and the list of problems found so far.
class Diagnostics final : public ConfigChecker {
 public:
  Diagnostics(std::string file, fs::path base) : file_(std::move(file)), base_(std::move(base)) {}

  void set_override(const std::string& key, const std::string& argument) {
    overrides_[key] = argument;
  }
  // The --set argument that set `key` or one of its sections, or "".
  std::string override_of(const std::string& key) const {
    for (std::string k = key;;) {
      auto it = overrides_.find(k);
      if (it != overrides_.end()) return it->second;
      size_t dot = k.rfind('.');
      if (dot == std::string::npos) return "";
      k.resize(dot);
    }
  }
  std::string where(const std::string& key, const YAML::Node& node) const {
    std::string argument = override_of(key);
    if (!argument.empty()) return "--set " + argument;
    if (node && !node.Mark().is_null()) return concat(file_, ":", node.Mark().line + 1);
    return file_;
  }
  void error(const std::string& key, const YAML::Node& node, const std::string& message) {
    errors_.push_back(concat(where(key, node), ": ", key, ": ", message));
  }
  void raw_error(const std::string& message) { errors_.push_back(message); }
  void require(bool ok, const std::string& key, const std::string& message) override {
    if (!ok) error(key, locations_.count(key) ? locations_.at(key) : YAML::Node(), message);
  }
  void remember(const std::string& key, const YAML::Node& node) { locations_[key] = node; }
  // Relative paths: against the config file's folder, or the working directory for --set.
  std::string resolve(const std::string& key, const std::string& value) const {
    fs::path p(value);
    if (p.is_relative() && override_of(key).empty()) p = base_ / p;
    return fs::absolute(p).lexically_normal().string();
  }
  void throw_if_any() const {
    if (errors_.empty()) return;
    std::string message = errors_.size() == 1 ? "invalid config: " : "invalid config:\n  ";
    for (size_t i = 0; i < errors_.size(); ++i)
      message += (i ? "\n  " : "") + errors_[i];
    throw Error(message);
  }

 private:
  std::string file_;
  fs::path base_;
  std::map<std::string, std::string> overrides_;
  std::map<std::string, YAML::Node> locations_;
  std::vector<std::string> errors_;
};

std::string scalar_text(const YAML::Node& node) {
  if (node.IsScalar()) return "'" + node.Scalar() + "'";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a section";
  return "nothing";
}

class Reader final : public ConfigVisitor {
 public:
  Reader(YAML::Node node, std::string prefix, Diagnostics& diagnostics)
      : node_(std::move(node)), prefix_(std::move(prefix)), diag_(diagnostics) {}

  void section(const char* key, const char*,
               const std::function<void(ConfigVisitor&)>& body) override {
    declared_.push_back(key);
    YAML::Node sub = child(key);
    std::string name = dotted(key);
    if (sub && !sub.IsMap() && !sub.IsNull()) {
      diag_.error(name, sub, "expected a section of keys, got " + scalar_text(sub));
    }
    Reader reader(sub && sub.IsMap() ? sub : YAML::Node(YAML::NodeType::Map), name, diag_);
    body(reader);
    reader.reject_unknown_keys();
  }

  void field(const char* key, bool& value, const char*) override {
    read(
        key, [&](const YAML::Node& n) { value = n.as<bool>(); }, "true or false");
  }
  void field(const char* key, int64_t& value, const char*, Bounds bounds) override {
    read(
        key, [&](const YAML::Node& n) { value = n.as<int64_t>(); }, "an integer");
    check_bounds(key, static_cast<double>(value), bounds);
  }
  void field(const char* key, double& value, const char*, Bounds bounds) override {
    read(
        key, [&](const YAML::Node& n) { value = n.as<double>(); }, "a number");
    check_bounds(key, value, bounds);
  }
  void field(const char* key, std::string& value, const char*) override {
    read(
        key, [&](const YAML::Node& n) { value = n.as<std::string>(); }, "a string");
  }
  void field(const char* key, std::vector<double>& value, const char*, Bounds bounds) override {
    read(
        key,
        [&](const YAML::Node& n) {
          if (!n.IsSequence()) throw YAML::BadConversion(n.Mark());
          value = n.as<std::vector<double>>();
        },
        "a list of numbers");
    for (double v : value)
      check_bounds(key, v, bounds);
  }
  void path(const char* key, std::string& value, const char*, bool required) override {
    if (!required && child(key) && child(key).IsNull()) {  // `valid:` or --set data.valid= : none
      declared_.push_back(key);
      value.clear();
      return;
    }
    const bool present = read(
        key, [&](const YAML::Node& n) { value = n.as<std::string>(); }, "a path");
    if (present && !value.empty()) {
      value = diag_.resolve(dotted(key), value);
    } else if (required && value.empty()) {
      diag_.error(dotted(key), node_, "missing: this path is required");
    }
  }
  void count_or_auto(const char* key, int64_t& value, const char*) override {
    read(
        key,
        [&](const YAML::Node& n) {
          value = n.IsScalar() && n.Scalar() == "auto" ? 0 : n.as<int64_t>();
          if (value < 0) throw YAML::BadConversion(n.Mark());
        },
        "'auto' or a positive integer");
  }
  void choice_index(const char* key, size_t& index, const std::vector<std::string>& names,
                    const char*) override {
    std::string chosen = names[index];
    if (!read(
            key, [&](const YAML::Node& n) { chosen = n.as<std::string>(); }, "a name"))
      return;
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == chosen) {
        index = i;
        return;
      }
    }
    std::string options;
    for (size_t i = 0; i < names.size(); ++i)
      options += (i ? ", " : "") + names[i];
    std::string hint = closest_match(chosen, names);
    diag_.error(dotted(key), child(key),
                concat("must be one of ", options, ", got '", chosen, "'",
                       hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
  }

  void reject_unknown_keys() {
    if (!node_.IsMap()) return;
    for (const auto& item : node_) {
      if (!item.first.IsScalar()) {  // "? [a, b]": YAML allows any node as a key (found by fuzzing)
        diag_.error(prefix_.empty() ? "(top level)" : prefix_, item.first,
                    "a key must be a name, not a list or map");
        continue;
      }
      const std::string key = item.first.as<std::string>();
      if (std::find(declared_.begin(), declared_.end(), key) != declared_.end()) continue;
      std::string hint = closest_match(key, declared_);
      diag_.error(
          dotted(key), item.first,
          concat("unknown key", hint.empty() ? "" : " (did you mean '" + dotted(hint) + "'?)"));
    }
  }

 private:
  std::string dotted(const std::string& key) const {
    return prefix_.empty() ? key : prefix_ + "." + key;
  }
  // Read-only lookup: yaml-cpp's non-const operator[] would insert the key.
  YAML::Node child(const char* key) const {
    const YAML::Node& node = node_;
    return node[key];
  }

  // Parses child(key) with `parse` if present; returns whether it was present.
  template <class Parse>
  bool read(const char* key, Parse parse, const char* expected) {
    declared_.push_back(key);
    YAML::Node n = child(key);
    if (!n) return false;
    diag_.remember(dotted(key), n);
    if (n.IsNull()) {
      diag_.error(dotted(key), n, concat("no value given, expected ", expected));
      return false;
    }
    try {
      parse(n);
    } catch (const YAML::Exception&) {
      diag_.error(dotted(key), n, concat("expected ", expected, ", got ", scalar_text(n)));
      return false;
    }
    return true;
  }

  void check_bounds(const char* key, double value, const Bounds& bounds) {
    if (!bounds.contains(value)) {
      diag_.error(dotted(key), child(key), concat("must be ", bounds.str(), ", got ", value));
    }
  }

  YAML::Node node_;
  std::string prefix_;
  Diagnostics& diag_;
  std::vector<std::string> declared_;
};

YAML::Node load_yaml(const ConfigInput& input) {
  const std::string& file = input.file;
  RECUR_CHECK(!input.text.empty() || fs::is_regular_file(file), "cannot read config file '", file,
              "': no such file");
  try {
    YAML::Node root = input.text.empty() ? YAML::LoadFile(file) : YAML::Load(input.text);
    if (root.IsNull()) return YAML::Node(YAML::NodeType::Map);
    RECUR_CHECK(root.IsMap(), file, ": expected a YAML map of sections at the top level");
    return root;
  } catch (const YAML::ParserException& e) {
    fail(file, ":", e.mark.line + 1, ":", e.mark.column + 1, ": YAML syntax error: ", e.msg);
  } catch (const YAML::BadFile&) {
    fail("cannot read config file '", file, "'");
  }
}

// Sets root[a][b]... = value for "a.b...=value", creating sections as needed.
void apply_override(YAML::Node& root, const std::string& argument, Diagnostics& diag) {
  const size_t eq = argument.find('=');
  const std::string key = argument.substr(0, eq);
  if (eq == std::string::npos || key.empty() || key.front() == '.' || key.back() == '.' ||
      key.find("..") != std::string::npos) {
    diag.raw_error(concat("--set ", argument, ": expected key.path=value"));
    return;
  }
  YAML::Node value;
  try {
    value = YAML::Load(argument.substr(eq + 1));
  } catch (const YAML::ParserException& e) {
    diag.raw_error(concat("--set ", argument, ": value is not valid YAML: ", e.msg));
    return;
  }
  std::vector<std::string> parts;
  for (size_t begin = 0; begin <= key.size();) {
    size_t dot = std::min(key.find('.', begin), key.size());
    parts.push_back(key.substr(begin, dot - begin));
    begin = dot + 1;
  }
  YAML::Node node = root;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    YAML::Node child = node[parts[i]];
    if (child && !child.IsMap() && !child.IsNull()) {
      diag.raw_error(concat("--set ", argument, ": '", parts[i], "' is not a section"));
      return;
    }
    if (!child || child.IsNull()) node[parts[i]] = YAML::Node(YAML::NodeType::Map);
    node.reset(node[parts[i]]);
  }
  node[parts.back()] = value;
  diag.set_override(key, argument);
}

}  // namespace

void read_config(const ConfigInput& input, const std::function<void(ConfigVisitor&)>& describe,
                 const std::function<void(ConfigChecker&)>& check) {
  YAML::Node root = load_yaml(input);
  Diagnostics diag(input.file, fs::path(input.file).parent_path());
  for (const std::string& argument : input.overrides)
    apply_override(root, argument, diag);
  diag.throw_if_any();
  Reader reader(root, "", diag);
  describe(reader);
  reader.reject_unknown_keys();
  diag.throw_if_any();
  check(diag);
  diag.throw_if_any();
}

}  // namespace recur
