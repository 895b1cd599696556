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

// float32 C = A B with n x n matrices through OpenBLAS or, on a GPU, cuBLAS (no TF32); GFLOP/s of
// each repeat.
std::vector<double> gemm_gflops(int64_t n, int repeats, Device device = Device::cpu());

// A training workload of torch_ref.py with the same shapes, on random token ids: forward,
// backward, clipping and the optimiser step. One measurement per round of `steps` steps.
class Workload {
 public:
  explicit Workload(Device device) : device_(device) {}
  virtual ~Workload() = default;
  virtual std::string name() const = 0;         // torch_ref.py's name for it
  virtual std::string description() const = 0;  // shapes and optimiser, one line
  virtual int64_t tokens_per_step() const = 0;  // target tokens
  virtual double flops_per_token() const = 0;   // forward + backward, matrix products only
  virtual void step() = 0;
  // Timed from and to an idle device: a GPU's queued work is waited for at both ends.
  Measurement round(int steps);
  Device device() const { return device_; }

 private:
  Device device_;
};

// 2 x 512 LSTM LM, embeddings 512, vocabulary 10k, batch 32, bptt 35, SGD with clipping 0.25,
// state carried across windows (other sizes for the checkpoint benchmark).
class LmWorkload final : public Workload {
 public:
  explicit LmWorkload(int64_t vocab = 10000, int64_t size = 512, Device device = Device::cpu());
  ~LmWorkload() override;
  std::string name() const override { return "lm"; }
  std::string description() const override;
  int64_t tokens_per_step() const override;
  double flops_per_token() const override;
  void step() override;
  ParameterStore& store();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// A translation model in float32 on one fixed batch of random ids (vocabularies 8k, batch 64,
// source and target length 32, no padding), trained with Adam.
class TranslationWorkload final : public Workload {
 public:
  // Embeddings 256, 2-layer bidirectional LSTM encoder of 256 per direction, 2-layer LSTM decoder
  // of 512 from a zero state with Luong general attention and input feeding, clipping 5.
  static std::unique_ptr<TranslationWorkload> seq2seq(Device device);
  // As nn.Transformer: d_model 512, 8 heads, 3 + 3 post-norm layers, feed-forward 2048, no
  // clipping. Neither model has dropout.
  static std::unique_ptr<TranslationWorkload> transformer(Device device);
  ~TranslationWorkload() override;
  std::string name() const override;
  std::string description() const override;
  int64_t tokens_per_step() const override;
  double flops_per_token() const override;
  void step() override;

 private:
  struct State;
  TranslationWorkload(std::unique_ptr<State> state, Device device);
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

// Runs `python torch_ref.py --device d --threads t --steps s <workload>`: its tokens/s.
double torch_tokens_per_s(const std::string& python, const std::string& script, Device device,
                          int threads, int steps, const std::string& workload);

double median(std::vector<double> values);

}  // namespace recur::bench
