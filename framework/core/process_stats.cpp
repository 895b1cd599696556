#include "core/process_stats.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace recur {

namespace {

bool is_store_array(const std::string& path) {
  for (const char* suffix : {".u8", ".u16", ".u32", ".u64"})
    if (path.ends_with(suffix)) return true;
  return false;
}

// The resident megabytes of the mappings of token-store arrays, from /proc/self/smaps: a header
// line per mapping ("start-end perms offset device inode path"), then its figures ("Rss: N kB").
double store_resident_mb() {
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool in_store = false;
  double kb = 0;
  while (std::getline(smaps, line)) {
    std::istringstream fields(line);
    std::string first;
    fields >> first;
    if (first.find('-') != std::string::npos && first.find(':') == std::string::npos) {
      std::string path;
      for (int i = 0; i < 4; ++i)
        fields >> path;  // perms, offset, device, inode; then the path (spaces and all), if any
      std::getline(fields >> std::ws, path);
      in_store = is_store_array(path);
    } else if (in_store && first == "Rss:") {
      double n = 0;
      fields >> n;
      kb += n;
    }
  }
  return kb / 1024;
}

}  // namespace

ProcessMemory process_memory() {
  ProcessMemory memory;
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    std::istringstream fields(line);  // "RssAnon:   1234 kB"
    std::string key;
    double kb = 0;
    if (!(fields >> key >> kb)) continue;
    if (key == "RssAnon:") memory.anon_mb = kb / 1024;
    if (key == "RssFile:") memory.file_mb = kb / 1024;
    if (key == "VmHWM:") memory.peak_mb = kb / 1024;
  }
  memory.store_mb = store_resident_mb();
  return memory;
}

double seconds_since_process_start() {
  std::ifstream stat_file("/proc/self/stat"), uptime_file("/proc/uptime");
  std::string stat;
  double uptime = 0;
  if (!std::getline(stat_file, stat) || !(uptime_file >> uptime)) return 0;
  // Field 22, start time in clock ticks after boot; the command name (field 2) may hold spaces,
  // so count from the ')' that ends it.
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string field;
  for (int i = 3; i < 22; ++i)
    fields >> field;
  double start_ticks = 0;
  fields >> start_ticks;
  return uptime - start_ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

}  // namespace recur
