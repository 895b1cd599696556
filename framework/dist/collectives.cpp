#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "core/threads.h"
#include "dist/communicator.h"

namespace recur {

std::vector<uint64_t> gather_hashes(Communicator& comm, uint64_t hash) {
  // As two 32-bit halves: every MPI implementation reduces and gathers int.
  Tensor mine = Tensor::from_vector<int32_t>(
      {static_cast<int32_t>(hash & 0xffffffffu), static_cast<int32_t>(hash >> 32)}, {2});
  Tensor all = Tensor::empty({2 * comm.world_size()}, DType::I32);
  comm.all_gather(mine, all);
  const auto* halves = reinterpret_cast<const uint32_t*>(all.data<int32_t>());
  std::vector<uint64_t> hashes;
  for (int r = 0; r < comm.world_size(); ++r) {
    hashes.push_back(halves[2 * r] | static_cast<uint64_t>(halves[2 * r + 1]) << 32);
  }
  return hashes;
}

uint64_t job_token(Communicator& comm) {
  const auto mine =
      static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
      (static_cast<uint64_t>(::getpid()) << 32);
  return gather_hashes(comm, mine)[0];
}

int ranks_sharing_my_cores(Communicator& comm) {
  const std::vector<uint64_t> hashes = gather_hashes(comm, core_set_hash());
  return static_cast<int>(
      std::count(hashes.begin(), hashes.end(), hashes[static_cast<size_t>(comm.rank())]));
}

}  // namespace recur
