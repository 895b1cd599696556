// What every fuzz target shares: the input as a file, and the one way a reader may refuse it.
//
// A reader given hostile bytes must either accept them or throw recur::Error with its message.
// Anything else is a finding: a crash or sanitizer report, any other exception (libFuzzer reports
// it as a crash), a hang past -timeout, or an allocation past -malloc_limit_mb.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/error.h"

namespace recur::fuzz {

// A folder of this process's own for the input files (libFuzzer may run several processes),
// removed when the process exits normally (a crash leaves it for a look).
class ScratchDir {
 public:
  ScratchDir()
      : path_(std::filesystem::temp_directory_path() / ("recur-fuzz-" + std::to_string(getpid()))) {
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline const std::filesystem::path& scratch_dir() {
  static const ScratchDir dir;
  return dir.path();
}

// Writes `bytes` to scratch_dir()/name and returns its path.
inline std::string write_file(const std::string& name, const std::string& bytes) {
  const std::string path = (scratch_dir() / name).string();
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  return path;
}

inline std::string as_string(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// Runs `read`; a recur::Error is the reader refusing the input, which is allowed.
template <class Read>
void refused_or_read(Read&& read) {
  try {
    read();
  } catch (const Error&) {
  }
}

}  // namespace recur::fuzz
