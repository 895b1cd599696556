#include "core/device_counters.h"

namespace recur {

namespace {
// Per thread: the thread that drives training is the one whose waits stall the GPU (a background
// checkpoint writer's copies do not).
thread_local int64_t reads = 0;
thread_local int64_t synchronisations = 0;
thread_local int64_t launches = 0;
}  // namespace

DeviceCounters device_counters() {
  return {reads, synchronisations, launches};
}

void count_host_read() {
  reads += 1;
  synchronisations += 1;
}

void count_synchronisation() {
  synchronisations += 1;
}

void count_launch() {
  launches += 1;
}

}  // namespace recur
