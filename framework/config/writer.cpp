#include "config/writer.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <sstream>

#include "core/error.h"

namespace recur {

namespace {

// Shortest text that reads back as the same double.
std::string number_text(double v) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), v);
  return std::string(buffer, end);
}

class YamlWriter final : public ConfigVisitor {
 public:
  explicit YamlWriter(YAML::Emitter& out) : out_(out) {}

  void section(const char* key, const char*,
               const std::function<void(ConfigVisitor&)>& body) override {
    out_ << YAML::Key << key << YAML::Value << YAML::BeginMap;
    body(*this);
    out_ << YAML::EndMap;
  }
  void field(const char* key, bool& value, const char*) override {
    out_ << YAML::Key << key << YAML::Value << (value ? "true" : "false");
  }
  void field(const char* key, int64_t& value, const char*, Bounds) override {
    out_ << YAML::Key << key << YAML::Value << value;
  }
  void field(const char* key, double& value, const char*, Bounds) override {
    out_ << YAML::Key << key << YAML::Value << number_text(value);
  }
  void field(const char* key, std::string& value, const char*) override {
    out_ << YAML::Key << key << YAML::Value << YAML::DoubleQuoted << value;
  }
  void field(const char* key, std::vector<double>& value, const char*, Bounds) override {
    out_ << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (double v : value)
      out_ << number_text(v);
    out_ << YAML::EndSeq;
  }
  void path(const char* key, std::string& value, const char*, bool) override {
    out_ << YAML::Key << key << YAML::Value << YAML::DoubleQuoted << value;
  }
  void count_or_auto(const char* key, int64_t& value, const char*) override {
    out_ << YAML::Key << key << YAML::Value;
    if (value == 0) {
      out_ << "auto";
    } else {
      out_ << value;
    }
  }
  void choice_index(const char* key, size_t& index, const std::vector<std::string>& names,
                    const char*) override {
    out_ << YAML::Key << key << YAML::Value << names[index];
  }

 private:
  YAML::Emitter& out_;
};

// Markdown: one table per section, headed by the section's dotted path.
class ReferenceWriter final : public ConfigVisitor {
 public:
  ReferenceWriter(std::ostringstream& out, std::string prefix)
      : out_(out), prefix_(std::move(prefix)) {}

  void section(const char* key, const char* help,
               const std::function<void(ConfigVisitor&)>& body) override {
    std::string name = prefix_.empty() ? key : prefix_ + "." + key;
    pending_sections_.push_back({name, help, body});
  }
  void field(const char* key, bool& value, const char* help) override {
    row(key, "bool", value ? "true" : "false", help);
  }
  void field(const char* key, int64_t& value, const char* help, Bounds bounds) override {
    row(key, "integer " + bounds_text(bounds), std::to_string(value), help);
  }
  void field(const char* key, double& value, const char* help, Bounds bounds) override {
    row(key, "number " + bounds_text(bounds), number_text(value), help);
  }
  void field(const char* key, std::string& value, const char* help) override {
    row(key, "string", value.empty() ? "\"\"" : "\"" + value + "\"", help);
  }
  void field(const char* key, std::vector<double>& value, const char* help,
             Bounds bounds) override {
    std::string text = "[";
    for (size_t i = 0; i < value.size(); ++i)
      text += (i ? ", " : "") + number_text(value[i]);
    row(key, "list of numbers " + bounds_text(bounds), text + "]", help);
  }
  void path(const char* key, std::string& value, const char* help, bool required) override {
    row(key, "path", required ? "(required)" : value.empty() ? "(none)" : value, help);
  }
  void count_or_auto(const char* key, int64_t& value, const char* help) override {
    row(key, "integer >= 1 or auto", value == 0 ? "auto" : std::to_string(value), help);
  }
  void choice_index(const char* key, size_t& index, const std::vector<std::string>& names,
                    const char* help) override {
    std::string options;
    for (size_t i = 0; i < names.size(); ++i)
      options += (i ? ", " : "") + names[i];
    row(key, "one of " + options, names[index], help);
  }

  // Writes this level's table, then its subsections in order.
  void finish(const std::string& help) {
    if (!prefix_.empty()) {
      out_ << "\n## `" << prefix_ << "`\n\n";
      if (help[0]) out_ << help << "\n\n";
    }
    if (!rows_.empty()) {
      out_ << "| key | type | default | meaning |\n|---|---|---|---|\n";
      for (const std::string& r : rows_)
        out_ << r;
    }
    for (auto& s : pending_sections_) {
      ReferenceWriter child(out_, s.name);
      s.body(child);
      child.finish(s.help);
    }
  }

 private:
  struct Pending {
    std::string name;
    std::string help;
    std::function<void(ConfigVisitor&)> body;
  };
  static std::string bounds_text(const Bounds& b) {
    std::string text = b.str();
    return text == "any value" ? "" : "(" + text + ")";
  }
  void row(const char* key, const std::string& type, const std::string& value, const char* help) {
    rows_.push_back(concat("| `", key, "` | ", type, " | `", value, "` | ", help, " |\n"));
  }

  std::ostringstream& out_;
  std::string prefix_;
  std::vector<std::string> rows_;
  std::vector<Pending> pending_sections_;
};

}  // namespace

std::string config_to_yaml(const std::function<void(ConfigVisitor&)>& describe) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  YamlWriter writer(out);
  describe(writer);
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

std::string config_reference_markdown(const std::function<void(ConfigVisitor&)>& describe) {
  std::ostringstream out;
  ReferenceWriter writer(out, "");
  describe(writer);
  writer.finish("");
  return out.str();
}

}  // namespace recur
