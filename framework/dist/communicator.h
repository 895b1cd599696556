// Communicator: how ranks of a data-parallel job talk. The trainer asks it for the world size
// and reduces gradients and metrics through it. This is the single-process implementation; the
// MPI and NCCL communicators implement the same interface.
#pragma once

#include <cstdint>

#include "core/tensor.h"

namespace recur {

class Communicator {
 public:
  virtual ~Communicator() = default;

  virtual int rank() const = 0;
  virtual int world_size() const = 0;
  virtual int local_rank() const = 0;  // rank among the processes on this node
  virtual int local_size() const = 0;  // processes of this job on this node

  // In-place sum across ranks of a CPU tensor (f32, f64 or i32) or of doubles.
  virtual void all_reduce_sum(Tensor& tensor) = 0;
  virtual void all_reduce_sum(double* values, int64_t count) = 0;
  // Copies root's tensor into every rank's tensor (same shape and dtype everywhere).
  virtual void broadcast(Tensor& tensor, int root) = 0;
  virtual void barrier() = 0;

  bool is_root() const { return rank() == 0; }
};

// World size 1: every collective is the identity. Used when recur runs without mpirun.
class SingleProcessCommunicator final : public Communicator {
 public:
  int rank() const override { return 0; }
  int world_size() const override { return 1; }
  int local_rank() const override { return 0; }
  int local_size() const override { return 1; }
  void all_reduce_sum(Tensor&) override {}
  void all_reduce_sum(double*, int64_t) override {}
  void broadcast(Tensor&, int) override {}
  void barrier() override {}
};

}  // namespace recur
