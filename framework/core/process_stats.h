// What the kernel counts of this process (Linux /proc): its memory, and the time since it started.
// Training reports both per rank, so that start-up and memory can be seen not to grow with the
// corpus (docs/data-format.md).
#pragma once

namespace recur {

struct ProcessMemory {
  double anon_mb = 0;   // RssAnon: heap, stacks, anonymous mappings
  double file_mb = 0;   // RssFile: resident pages of mapped files (token stores, libraries)
  double peak_mb = 0;   // VmHWM: the largest resident set so far
  double store_mb = 0;  // of file_mb, the pages of mapped token-store arrays (*.u8 ... *.u64)
};

// Zeros where /proc cannot be read.
ProcessMemory process_memory();
// Seconds since this process started; 0 where /proc cannot be read.
double seconds_since_process_start();

}  // namespace recur
