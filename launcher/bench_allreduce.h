// recur bench allreduce: the bandwidth of the all-reduce that sums gradients, from 1 KiB to
// 64 MiB, reported as nccl-tests does: algorithm bandwidth (bytes / time) and bus bandwidth
// (algbw x 2 (n - 1) / n, what each rank's links carry, comparable across rank counts).
#pragma once

#include <cstdint>
#include <vector>

#include "core/device.h"
#include "dist/communicator.h"

namespace recur::bench {

struct AllReduceFigure {
  int64_t bytes = 0;   // float32 values x 4
  double seconds = 0;  // per all-reduce: median over rounds of the ranks' mean
  double algbw = 0;    // GB/s
  double busbw = 0;    // GB/s
};

// Every rank calls it; each round times enough all-reduces of every size to last a while.
std::vector<AllReduceFigure> all_reduce_bandwidth(Communicator& comm, Device device, int rounds);

}  // namespace recur::bench
