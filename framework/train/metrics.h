// Progress output: the console line every N steps and the same figures as JSON lines in the run
// directory (metrics.jsonl), one object per line.
#pragma once

#include <cstdio>
#include <string>
#include <utility>

#include "core/json.h"

namespace recur {

// Writes nothing when default-constructed (ranks other than 0 for the job's metrics).
class MetricsFile {
 public:
  MetricsFile() = default;
  explicit MetricsFile(const std::string& path);  // appends; Error if it cannot be opened
  MetricsFile(MetricsFile&& other) noexcept : file_(other.file_) { other.file_ = nullptr; }
  MetricsFile& operator=(MetricsFile&& other) noexcept {
    std::swap(file_, other.file_);
    return *this;
  }
  ~MetricsFile();
  // One JSON object per line (json_line).
  void write(const Json& line);

 private:
  std::FILE* file_ = nullptr;
};

// "1h02m", "3m05s", "12s"
std::string format_duration(double seconds);
// "12.3k"
std::string format_rate(double per_second);

}  // namespace recur
