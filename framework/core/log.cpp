#include "core/log.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace recur::log {

namespace {

std::mutex g_mutex;
bool g_console = true;
std::FILE* g_file = nullptr;

void write_file_line(const char* level, const std::string& message) {
  if (g_file == nullptr) return;
  auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  localtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
  std::fprintf(g_file, "%s %s %s\n", stamp, level, message.c_str());
  std::fflush(g_file);
}

}  // namespace

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*f", decimals, value);
  return buffer;
}

void enable_console(bool enabled) {
  std::lock_guard lock(g_mutex);
  g_console = enabled;
}

void open_file(const std::string& path) {
  std::lock_guard lock(g_mutex);
  if (g_file) std::fclose(g_file);
  g_file = std::fopen(path.c_str(), "a");
  RECUR_CHECK(g_file != nullptr, "cannot open log file ", path);
}

void close_file() {
  std::lock_guard lock(g_mutex);
  if (g_file) std::fclose(g_file);
  g_file = nullptr;
}

void write_info(const std::string& message) {
  std::lock_guard lock(g_mutex);
  if (g_console) {
    std::fprintf(stdout, "%s\n", message.c_str());
    std::fflush(stdout);
  }
  write_file_line("INFO", message);
}

void write_warning(const std::string& message) {
  std::lock_guard lock(g_mutex);
  if (g_console) std::fprintf(stderr, "recur: warning: %s\n", message.c_str());
  write_file_line("WARN", message);
}

void write_error(const std::string& message) {
  std::lock_guard lock(g_mutex);
  std::fprintf(stderr, "recur: error: %s\n", message.c_str());
  write_file_line("ERROR", message);
}

}  // namespace recur::log
