// Config sections shared by every model's training: the training loop, optimiser, learning-rate
// schedule, validation and logging. See docs/config.md for the reference of every key.
#pragma once

#include <string>
#include <vector>

#include "config/visitor.h"
#include "dist/gpu_communicator.h"
#include "kernels/matmul_precision.h"
#include "optim/schedule.h"

namespace recur {

// What a step whose loss or gradient norm is not finite does: end training, or be skipped.
enum class NonFinite { Stop, Skip };

struct TrainingConfig {
  int64_t seed = 1;
  int64_t threads = 0;          // 0: auto (cores / ranks on the node)
  int64_t batch_size = 32;      // global: streams (LM) summed over all ranks
  int64_t batch_tokens = 4096;  // global: padded target tokens per batch (seq2seq)
  int64_t accumulate = 1;       // micro-batches per step (gradient accumulation)
  int64_t bptt = 35;
  bool variable_bptt = false;
  int64_t max_steps = 0;       // 0: no limit
  double max_epochs = 0;       // 0: no limit
  double max_minutes = 0;      // 0: no limit
  double clip_norm = 0;        // 0: no clipping
  std::string device = "cpu";  // cpu, cuda (each rank its own GPU of the node) or cuda:N
  MatmulPrecision precision = MatmulPrecision::Fp32;  // of matrix-product inputs
  NonFinite nonfinite = NonFinite::Stop;
  int64_t max_skipped = 10;  // skip: consecutive skipped steps that end training

  void describe(ConfigVisitor& v);
  void check(ConfigChecker& c) const;
};

enum class OptimizerType { Sgd, Adam, AdamW };

struct OptimizerConfig {
  OptimizerType type = OptimizerType::Adam;
  double lr = 1e-3;
  double momentum = 0.0;
  bool nesterov = false;
  std::vector<double> betas = {0.9, 0.999};
  double eps = 1e-8;
  double weight_decay = 0.0;

  void describe(ConfigVisitor& v);
  void check(ConfigChecker& c) const;
};

struct ScheduleConfig {
  ScheduleType type = ScheduleType::Constant;
  int64_t warmup_steps = 0;
  double decay_factor = 0.5;
  int64_t decay_steps = 1000;
  int64_t patience = 0;
  double min_lr = 0.0;

  void describe(ConfigVisitor& v);
  // The schedule for a run with this peak learning rate and step budget.
  ScheduleSpec spec(double lr, int64_t max_steps) const;
};

struct ValidationConfig {
  int64_t every_steps = 0;  // 0: only at the end
  int64_t batch_size = 10;  // streams for stateful evaluation
  int64_t bptt = 0;         // 0: training.bptt
  int64_t patience = 0;  // early stopping after this many validations without improvement; 0: off
  bool bleu = true;      // seq2seq: also decode (greedy) and score BLEU; the best model by it
  int64_t bleu_sentences = 0;  // seq2seq: decode at most this many validation sentences (0: all)

  void describe(ConfigVisitor& v);
};

struct DistributedConfig {
  double bucket_mb = 4;               // gradient all-reduce bucket size
  double collective_timeout_s = 300;  // a collective unfinished after this long aborts the job
  SharedGpuPolicy shared_gpu = SharedGpuPolicy::Fail;

  void describe(ConfigVisitor& v);
};

enum class KeepBest { None, ValidLoss, ValidScore };

struct CheckpointConfig {
  int64_t every_steps = 0;   // 0: not by steps
  double every_minutes = 0;  // 0: not by time
  int64_t keep_last = 3;
  KeepBest keep_best_by = KeepBest::None;
  bool async = false;

  void describe(ConfigVisitor& v);
};

struct LoggingConfig {
  int64_t every_steps = 50;

  void describe(ConfigVisitor& v);
};

}  // namespace recur
