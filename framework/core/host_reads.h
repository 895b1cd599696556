// Counters of the host waiting for the compute device: reads of computed values and stream
// synchronisations. A training step that needs neither keeps a GPU busy while the host queues the
// next kernels; the trainer reports these counters per step, and a test holds a non-logging step
// to zero of both.
//
// What counts, on every build (on the CPU build the compute device is the host, and the same calls
// count, so a CPU test sees what a GPU run would):
//  - a read of a computed value: Tensor::item() and Tensor::to_host(); each is also a
//    synchronisation, since it waits for the stream;
//  - any copy from a GPU to the host (Tensor::to or on with Device::cpu());
//  - gpu::synchronize().
// What does not: host-side data read through Tensor::data() (batches the host made, buffers of
// host-side collectives), and on(Device::cpu()) of a tensor on the host.
#pragma once

#include <cstdint>

namespace recur {

struct HostWaits {
  int64_t reads = 0;             // values read back from the compute device
  int64_t synchronisations = 0;  // waits for the compute stream (reads included)

  HostWaits operator-(const HostWaits& earlier) const {
    return {reads - earlier.reads, synchronisations - earlier.synchronisations};
  }
  HostWaits& operator+=(const HostWaits& o) {
    reads += o.reads;
    synchronisations += o.synchronisations;
    return *this;
  }
};

// The calling thread's counts so far.
HostWaits host_waits();
void count_host_read();
void count_synchronisation();

}  // namespace recur
