// Communicator: how the ranks of a data-parallel job talk. The trainer asks it for the world size
// and reduces gradients and metrics through it. Implementations: SingleProcessCommunicator (world
// size 1, no MPI at all), MpiCommunicator (CPU buffers); the NCCL communicator implements the same
// interface for GPU buffers.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace recur {

enum class ReduceOp { Sum, Average };

// A collective running in the background. Its buffers must stay untouched until wait() returns.
// A host buffer holds the result when wait() returns; a device buffer holds it for the work queued
// on the compute stream after wait() (NCCL: the stream waits, the host does not).
class PendingCollective {
 public:
  virtual ~PendingCollective() = default;
  virtual void wait() = 0;
  virtual bool done() const = 0;
  // Seconds from its start to its completion, as seen by the thread that ran it; waits for the
  // completion if need be.
  virtual double seconds() const = 0;
};

class Communicator {
 public:
  virtual ~Communicator() = default;

  virtual int rank() const = 0;
  virtual int world_size() const = 0;
  virtual int local_rank() const = 0;  // rank among the processes of this job on this node
  virtual int local_size() const = 0;  // processes of this job on this node
  virtual std::string description() const = 0;

  // In place over every rank's tensor (f32, f64 or i32; same shape everywhere). `what` names it in
  // timeout and error messages.
  virtual std::unique_ptr<PendingCollective> all_reduce_async(Tensor& tensor, ReduceOp op,
                                                              const std::string& what) = 0;
  void all_reduce(Tensor& tensor, ReduceOp op = ReduceOp::Sum,
                  const std::string& what = "all_reduce") {
    all_reduce_async(tensor, op, what)->wait();
  }
  // Copies root's tensor into every rank's tensor.
  virtual void broadcast(Tensor& tensor, int root) = 0;
  // out (world_size * n elements) = the n elements of `in` of rank 0, then rank 1, ...
  virtual void all_gather(const Tensor& in, Tensor& out) = 0;
  // in (world_size * n elements) reduced across ranks; rank r receives block r in out (n).
  virtual void reduce_scatter(const Tensor& in, Tensor& out, ReduceOp op) = 0;
  virtual void barrier() = 0;
  // A barrier without the collective timeout, for ranks that wait while one does long work (rank
  // 0 preparing data). Liveness pings are still answered, and a rank that dies still ends the job.
  virtual void barrier_untimed() = 0;
  // Ends the whole job at once (every rank) with this exit code. Never returns.
  [[noreturn]] virtual void abort(int exit_code) = 0;

  bool is_root() const { return rank() == 0; }
};

// World size 1: every collective is the identity. Used when recur runs without mpirun.
class SingleProcessCommunicator final : public Communicator {
 public:
  int rank() const override { return 0; }
  int world_size() const override { return 1; }
  int local_rank() const override { return 0; }
  int local_size() const override { return 1; }
  std::string description() const override { return "single process"; }
  std::unique_ptr<PendingCollective> all_reduce_async(Tensor& tensor, ReduceOp op,
                                                      const std::string& what) override;
  void broadcast(Tensor&, int) override {}
  void all_gather(const Tensor& in, Tensor& out) override;
  void reduce_scatter(const Tensor& in, Tensor& out, ReduceOp op) override;
  void barrier() override {}
  void barrier_untimed() override {}
  [[noreturn]] void abort(int exit_code) override;
};

struct CommunicatorOptions {
  double collective_timeout_s = 300;  // a collective unfinished after this long aborts the job
};

// MPI when the process was started by mpirun or `srun --mpi=pmix` (MPI initialised on a thread of
// its own), else the single-process communicator, without initialising MPI. Throws Error when
// SLURM started several tasks that MPI does not connect (singletons: srun without --mpi=pmix).
std::unique_ptr<Communicator> make_communicator(const CommunicatorOptions& options);

// Every rank's value of a 64-bit hash, in rank order.
std::vector<uint64_t> gather_hashes(Communicator& comm, uint64_t hash);

// A value of this start of the job, the same on every rank (rank 0's clock and process id): names
// the files and folders a job writes that another job must not take for its own.
uint64_t job_token(Communicator& comm);

// How many ranks of the job run on exactly this process's cores (same host, same affinity mask):
// what `threads: auto` divides the cores among.
int ranks_sharing_my_cores(Communicator& comm);

}  // namespace recur
