// Counters of the host's dealings with the compute device: reads of computed values, stream
// synchronisations and kernel launches. A training step that needs no read or synchronisation
// keeps a GPU busy while the host queues the next kernels; the trainer reports these counters per
// step, and a test holds a non-logging step to zero reads and synchronisations. Launches are what
// a GPU's time per step grows with when kernels are small (fused cells keep them down).
//
// What counts, on every build (on the CPU build the compute device is the host, and the same calls
// count, so a CPU test sees what a GPU run would):
//  - a read of a computed value: Tensor::item() and Tensor::to_host(); each is also a
//    synchronisation, since it waits for the stream;
//  - any copy from a GPU to the host (Tensor::to or on with Device::cpu());
//  - gpu::synchronize().
// What does not: host-side data read through Tensor::data() (batches the host made, buffers of
// host-side collectives), and on(Device::cpu()) of a tensor on the host.
// Launches: on a GPU every kernel launch (cuda::check_launch) and cuBLAS call; on the CPU build
// every kernel call through kernels/dispatch.h, where one call stands for the launch(es) of its
// CUDA counterpart.
#pragma once

#include <cstdint>

namespace recur {

struct DeviceCounters {
  int64_t reads = 0;             // values read back from the compute device
  int64_t synchronisations = 0;  // waits for the compute stream (reads included)
  int64_t launches = 0;          // kernels queued

  DeviceCounters operator-(const DeviceCounters& earlier) const {
    return {reads - earlier.reads, synchronisations - earlier.synchronisations,
            launches - earlier.launches};
  }
  DeviceCounters& operator+=(const DeviceCounters& o) {
    reads += o.reads;
    synchronisations += o.synchronisations;
    launches += o.launches;
    return *this;
  }
};

// The calling thread's counts so far.
DeviceCounters device_counters();
void count_host_read();
void count_synchronisation();
void count_launch();

}  // namespace recur
