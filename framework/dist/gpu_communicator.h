// Communicators for ranks that train on GPUs, one GPU per rank: NCCL all-reduces device tensors
// directly. NCCL refuses two ranks on one GPU, so that case is detected first and either staged
// through host memory over the host communicator (MPI) or refused.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "dist/communicator.h"

namespace recur {

enum class SharedGpuPolicy {
  Stage,  // several ranks on one GPU: device tensors go through host memory and MPI
  Fail,   // several ranks on one GPU: an Error that names two of them
};

// The communicator for this rank training on `device` (a CUDA device): NCCL when every rank has a
// GPU of its own, else as `policy` says. `host` (MPI or single-process) carries NCCL's unique id,
// barriers and host tensors. A collective unfinished after `collective_timeout_s` ends the job
// with a message naming the rank.
std::unique_ptr<Communicator> make_gpu_communicator(std::unique_ptr<Communicator> host,
                                                    Device device, SharedGpuPolicy policy,
                                                    double collective_timeout_s);

// The first two ranks, in rank order, whose device ids (one per rank) are equal; none when all
// differ.
std::optional<std::pair<int, int>> first_shared_device(const std::vector<uint64_t>& device_ids);

// NCCL over `host`, on `device` (kernels/cuda build; otherwise an Error).
std::unique_ptr<Communicator> make_nccl_communicator(std::unique_ptr<Communicator> host,
                                                     Device device, double collective_timeout_s);

}  // namespace recur
