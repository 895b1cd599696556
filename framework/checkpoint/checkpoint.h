// Sharded training checkpoints.
//
// A checkpoint is a directory run/checkpoints/step-NNNNNNNN/ holding one HDF5 shard per writing
// rank (each holds its contiguous range of the flat parameter and optimiser-state buffers, as one
// dataset per parameter path and range), state.h5 (everything else: step, data position, carried
// TBPTT state of every global stream, schedule and trainer state, config, vocabulary, version) and
// manifest.json, written last, naming every file with its size and hash. Each rank writes its
// shard into a temporary directory; rank 0 waits for all of them, writes the manifest and commits
// with one rename. Readers trust only committed checkpoints whose files verify.
// docs/checkpoint-format.md specifies the format.
#pragma once

#include <atomic>
#include <condition_variable>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "checkpoint/run_identity.h"
#include "nn/parameters.h"

namespace recur {

// Everything but the flat buffers; complete (not per rank), so any world size can read it.
struct TrainingState {
  int64_t step = 0;
  RunIdentity identity;
  // The state fields (see core/state_visitor.h), by joined name (section/field).
  std::map<std::string, double> scalars;
  std::map<std::string, Tensor> tensors;
  std::map<std::string, std::string> texts;
};

// A flat buffer with the parameter store's layout: "params", or optimiser state such as
// "optim/exp_avg".
struct FlatBuffer {
  std::string name;
  Tensor tensor;
};

struct CheckpointOptions {
  std::string directory;  // run/checkpoints
  int rank = 0;
  int world_size = 1;
  std::string attempt;  // the same on every rank of this job: names its temporary directories
  double wait_timeout_s = 300;  // rank 0 waits this long for the other ranks' shards
  // Test seam: called on the writing thread at each named point of a write (mid_shard,
  // before_manifest, before_rename, after_rename), before RECUR_CHECKPOINT_CRASH is looked at.
  std::function<void(std::string_view point)> at_point = {};
};

// One checkpoint to write: its contents and how old ones are kept.
struct CheckpointRequest {
  std::vector<FlatBuffer> buffers;  // parameters, optimiser state (this rank's range is written)
  TrainingState state = {};
  bool async = false;  // write in a background thread (see CheckpointWriter::write)
  std::map<std::string, double> validation = {};  // figures measured at this step, for the manifest
  // Once committed, rank 0 removes checkpoints beyond the newest `keep_last` (0: keeps all),
  // sparing `keep_step` (the best checkpoint; 0: none).
  int64_t keep_last = 0;
  int64_t keep_step = 0;
};

class CheckpointWriter {
 public:
  explicit CheckpointWriter(CheckpointOptions options);
  ~CheckpointWriter();  // waits for a write in flight

  // Every rank calls this at the same step. Synchronous: returns when this rank's part is written
  // (on rank 0: when the checkpoint is committed). Asynchronous: copies the buffers in a background
  // thread that then writes; call snapshot_taken() before the buffers change.
  void write(const ParameterStore& params, CheckpointRequest request);
  // Returns once an asynchronous write has copied the buffers (seconds waited).
  double snapshot_taken();
  // Returns once the write in flight is finished; rethrows its error.
  void wait();
  // Rethrows the error of a finished asynchronous write, if any.
  void check();
  int64_t bytes_written() const { return bytes_written_; }  // by this rank, so far

 private:
  struct Job;
  void run(Job& job);
  void write_shard(const Job& job);
  void commit(const Job& job);
  void reach(const char* point, int64_t step) const;

  CheckpointOptions options_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable copied_;
  bool snapshot_ready_ = true;
  std::exception_ptr error_;
  std::atomic<int64_t> bytes_written_ = 0;
};

struct CheckpointRef {
  std::string path;
  int64_t step = 0;
};

// Committed checkpoints (directories step-* with a manifest) under `directory`, newest first.
std::vector<CheckpointRef> list_checkpoints(const std::string& directory);

struct CheckpointCheck {
  bool ok = true;
  std::string problem;  // what is wrong when not ok
};
// Checks the manifest, every file's size and hash, and (deep) that every dataset reads back
// with its HDF5 checksum.
CheckpointCheck verify_checkpoint(const std::string& path, bool deep);

struct CheckpointManifest {
  int64_t step = 0;
  int world_size = 1;
  std::string recur_version;
  std::map<std::string, double> validation;  // valid_loss, valid_score (BLEU): measured at its step
  struct File {
    std::string name;
    int64_t bytes = 0;
    std::string hash;
  };
  std::vector<File> files;
};
CheckpointManifest read_manifest(const std::string& path);

TrainingState read_training_state(const std::string& path);
// Fills each buffer (the store's layout) from the shards, whatever world size wrote them. Every
// parameter of the store must be there with its shape.
void read_flat_buffers(const std::string& path, const ParameterStore& params,
                       std::vector<FlatBuffer>& buffers);
// Every parameter of a checkpoint as a whole tensor, by path (the model's shape is not needed).
std::map<std::string, Tensor> read_parameters(const std::string& path);

// True for a checkpoint directory (one with a manifest).
bool is_checkpoint(const std::string& path);

// Removes committed checkpoints beyond the newest `keep_last`, sparing `keep_step` (0: none).
void remove_old_checkpoints(const std::string& directory, int64_t keep_last, int64_t keep_step);
// Removes temporary directories of writes that never committed.
void remove_uncommitted(const std::string& directory);

// Name of the checkpoint directory of a step: step-00000040.
std::string checkpoint_name(int64_t step);

}  // namespace recur
