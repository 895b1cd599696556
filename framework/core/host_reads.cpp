#include "core/host_reads.h"

namespace recur {

namespace {
// Per thread: the thread that drives training is the one whose waits stall the GPU (a background
// checkpoint writer's copies do not).
thread_local int64_t reads = 0;
thread_local int64_t synchronisations = 0;
}  // namespace

HostWaits host_waits() {
  return {reads, synchronisations};
}

void count_host_read() {
  reads += 1;
  synchronisations += 1;
}

void count_synchronisation() {
  synchronisations += 1;
}

}  // namespace recur
