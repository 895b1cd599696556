#include "train/metrics.h"

#include <cmath>

#include "core/error.h"

namespace recur {

MetricsFile::MetricsFile(const std::string& path) : file_(std::fopen(path.c_str(), "a")) {
  RECUR_CHECK(file_ != nullptr, "cannot open metrics file ", path);
}

MetricsFile::~MetricsFile() {
  if (file_) std::fclose(file_);
}

void MetricsFile::write(const Json& line) {
  if (!file_) return;
  std::fprintf(file_, "%s\n", json_line(line).c_str());
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
