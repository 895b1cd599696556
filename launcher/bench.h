// Benchmarks behind `recur bench`: each reports throughput, achieved FLOP/s against the GEMM peak
// measured in the same process, and (with --torch-ref) the ratio against PyTorch doing the same
// work, run side by side in alternating rounds and compared by medians.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "nn/parameters.h"

namespace recur::bench {

struct Measurement {
  double tokens_per_s = 0;
  double ms_per_step = 0;
};

// float32 C = A B with n x n matrices through OpenBLAS; GFLOP/s of each repeat.
std::vector<double> gemm_gflops(int64_t n, int repeats);

// The language-model workload of torch_ref.py: 2 x 512 LSTM, embeddings 512, vocabulary 10k,
// batch 32, bptt 35, SGD with clipping 0.25, state carried across windows (other sizes for the
// checkpoint benchmark). One measurement per round of `steps` steps.
class LmWorkload {
 public:
  explicit LmWorkload(int64_t vocab = 10000, int64_t size = 512);
  ~LmWorkload();
  Measurement round(int steps);
  int64_t tokens_per_step() const;
  double flops_per_token() const;  // forward + backward, matrix products only
  ParameterStore& store();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Checkpoint writing against the disk (recur bench ckpt), medians over rounds.
struct CheckpointBench {
  int64_t model_bytes = 0;       // parameters
  int64_t checkpoint_bytes = 0;  // parameters and two Adam moments, as written
  double dd_mb_s = 0;            // dd if=/dev/zero ... conv=fsync, the same number of bytes
  double write_mb_s = 0;         // synchronous checkpoint
  double sync_s = 0;             // synchronous checkpoint: seconds training waits
  double stall_s = 0;            // asynchronous checkpoint: seconds training waits
  double step_s = 0;             // a training step of this model
  double step_async_s = 0;       // the same step while an asynchronous checkpoint is written
};
CheckpointBench run_checkpoint_bench(const std::string& directory, int rounds);

struct TorchResult {
  double tokens_per_s = 0;  // 0 when the workload did not run
  double gemm_gflops = 0;
};

// Runs `python torch_ref.py --threads t --steps s <workloads>` and parses its JSON lines.
TorchResult run_torch_reference(const std::string& python, const std::string& script, int threads,
                                int steps, const std::vector<std::string>& workloads);

double median(std::vector<double> values);

}  // namespace recur::bench
