#include "bench_allreduce.h"

#include <algorithm>
#include <chrono>

#include "bench.h"

namespace recur::bench {

namespace {

constexpr int64_t kSmallest = 1 << 10, kLargest = 64 << 20;
constexpr int64_t kBytesPerRound = 64 << 20;  // all-reduces per round: this many bytes, 3 to 1000

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Seconds per all-reduce of `values`, the mean over ranks (every rank returns it).
double time_all_reduces(Communicator& comm, Tensor& values, int count) {
  comm.barrier();
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < count; ++i)
    comm.all_reduce(values);
  Tensor elapsed = Tensor::from_vector<double>({seconds_since(start) / count}, {1});
  comm.all_reduce(elapsed, ReduceOp::Average);
  return elapsed.item(0);
}

}  // namespace

std::vector<AllReduceFigure> all_reduce_bandwidth(Communicator& comm, Device device, int rounds) {
  const double ranks = comm.world_size();
  std::vector<AllReduceFigure> figures;
  for (int64_t bytes = kSmallest; bytes <= kLargest; bytes *= 4) {
    Tensor values = Tensor::full({bytes / 4}, DType::F32, 1.0, device);
    const int count = static_cast<int>(std::clamp<int64_t>(kBytesPerRound / bytes, 3, 1000));
    time_all_reduces(comm, values, 2);  // warm-up: connections, buffers
    std::vector<double> seconds;
    for (int r = 0; r < rounds; ++r)
      seconds.push_back(time_all_reduces(comm, values, count));
    AllReduceFigure f;
    f.bytes = bytes;
    f.seconds = median(seconds);
    f.algbw = static_cast<double>(bytes) / f.seconds / 1e9;
    f.busbw = f.algbw * 2.0 * (ranks - 1.0) / ranks;
    figures.push_back(f);
  }
  return figures;
}

}  // namespace recur::bench
