#include "train/metrics.h"

#include <charconv>
#include <cmath>

#include "core/error.h"

namespace recur {

void JsonLine::key(const std::string& k) {
  if (!body_.empty()) body_ += ", ";
  body_ += "\"" + k + "\": ";
}

JsonLine& JsonLine::add(const std::string& k, double value) {
  key(k);
  if (!std::isfinite(value)) {
    body_ += std::isnan(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
    return *this;
  }
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  body_.append(buffer, end);
  return *this;
}

JsonLine& JsonLine::add(const std::string& k, int64_t value) {
  key(k);
  body_ += std::to_string(value);
  return *this;
}

JsonLine& JsonLine::add(const std::string& k, const std::string& value) {
  key(k);
  body_ += '"';
  for (char c : value) {
    if (c == '"' || c == '\\') body_ += '\\';
    if (c == '\n') {
      body_ += "\\n";
      continue;
    }
    body_ += c;
  }
  body_ += '"';
  return *this;
}

MetricsFile::MetricsFile(const std::string& path) : file_(std::fopen(path.c_str(), "a")) {
  RECUR_CHECK(file_ != nullptr, "cannot open metrics file ", path);
}

MetricsFile::~MetricsFile() {
  if (file_) std::fclose(file_);
}

void MetricsFile::write(const JsonLine& line) {
  if (!file_) return;
  std::fprintf(file_, "%s\n", line.str().c_str());
  std::fflush(file_);
}

std::string format_duration(double seconds) {
  const int64_t s = static_cast<int64_t>(std::llround(std::max(0.0, seconds)));
  char buffer[32];
  if (s >= 3600) {
    std::snprintf(buffer, sizeof(buffer), "%lldh%02lldm", static_cast<long long>(s / 3600),
                  static_cast<long long>(s % 3600 / 60));
  } else if (s >= 60) {
    std::snprintf(buffer, sizeof(buffer), "%lldm%02llds", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  } else {
    std::snprintf(buffer, sizeof(buffer), "%llds", static_cast<long long>(s));
  }
  return buffer;
}

std::string format_rate(double per_second) {
  char buffer[32];
  if (per_second >= 1e6) {
    std::snprintf(buffer, sizeof(buffer), "%.2fM", per_second / 1e6);
  } else if (per_second >= 1e3) {
    std::snprintf(buffer, sizeof(buffer), "%.1fk", per_second / 1e3);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%.0f", per_second);
  }
  return buffer;
}

}  // namespace recur
