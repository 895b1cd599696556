// Logging. Messages go to the console (only where enabled: rank 0 of a job) and to this process's
// log file in the run directory (every rank), each file line with a timestamp.
#pragma once

#include <string>

#include "core/error.h"

namespace recur::log {

void enable_console(bool enabled);
// Appends from now on to `path` (created if needed). Throws Error when it cannot be opened.
void open_file(const std::string& path);
void close_file();

void write_info(const std::string& message);
void write_warning(const std::string& message);
// Errors reach the console from every rank, console enabled or not.
void write_error(const std::string& message);

// `value` with `decimals` digits after the point, for log lines ("20.57").
std::string fixed(double value, int decimals);

template <class... Parts>
void info(const Parts&... parts) {
  write_info(concat(parts...));
}
template <class... Parts>
void warn(const Parts&... parts) {
  write_warning(concat(parts...));
}
template <class... Parts>
void error(const Parts&... parts) {
  write_error(concat(parts...));
}

}  // namespace recur::log
