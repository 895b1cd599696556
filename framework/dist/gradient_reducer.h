// Gradient reducer: sums the flat gradient buffer across ranks while the backward pass runs.
//
// The buffer is cut into buckets of whole parameters, filled in reverse parameter order (the
// order backward produces gradients in). A bucket's non-blocking all-reduce starts as soon as the
// tape reports its last parameter's gradient final and every bucket before it has started;
// finish() starts whatever is left (parameters a step did not use) and waits for the rest. As
// PyTorch DDP's Reducer, but over one flat buffer.
//
// Buckets start strictly in index order because MPI matches collectives by call order: the order
// gradients become final can differ between ranks (a rank with no examples in a step reports none,
// a model may use a parameter late on one rank's batch), and two ranks starting buckets in
// different orders would sum unrelated ranges.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "autograd/tape.h"
#include "dist/communicator.h"
#include "dist/gradient_sync.h"
#include "nn/parameters.h"

namespace recur {

struct ReducerEvent {
  enum class Kind { GradientReady, BucketStarted };
  Kind kind;
  int32_t index;  // parameter or bucket
};

class GradientReducer final : public GradientSync {
 public:
  GradientReducer(ParameterStore& store, Communicator& comm, int64_t bucket_bytes);

  // Starts buckets from this tape's gradient-ready events (the tape of a step's last micro-batch).
  void attach(Tape& tape) override;
  // Starts the buckets not started yet and waits for all: the gradients are then summed (device
  // gradients: for the work queued after it, as the compute stream waits, not the host). Returns
  // the seconds the host waited: communication not hidden behind compute.
  double finish();
  // The all-reduce time of the buckets finished since the last call, each start to completion,
  // summed. A device collective's time is known once it has finished, so ask where the host has
  // waited for the device anyway (progress lines).
  double take_comm_seconds();

  int bucket_count() const { return static_cast<int>(buckets_.size()); }
  bool bucket_done(int bucket) const;
  // Hash of the parameter layout (paths, shapes, offsets) and of the bucket boundaries.
  uint64_t layout_hash() const;
  // Sees every event as it happens (tests: order of gradients and bucket starts).
  void set_observer(std::function<void(const ReducerEvent&)> observer) {
    observer_ = std::move(observer);
  }

 private:
  struct Bucket {
    int64_t begin = 0, end = 0;  // element range of the flat gradient buffer
    int parameters = 0;
    int ready = 0;
    std::unique_ptr<PendingCollective> pending;
  };
  void on_gradient_ready(int32_t parameter);
  void start_ready_buckets();
  void start(size_t bucket);

  ParameterStore& store_;
  Communicator& comm_;
  std::vector<Bucket> buckets_;
  size_t next_bucket_ = 0;                                   // buckets before it have started
  std::vector<int32_t> bucket_of_;                           // per parameter
  std::vector<std::unique_ptr<PendingCollective>> untimed_;  // waited for, not yet timed
  std::function<void(const ReducerEvent&)> observer_;
};

}  // namespace recur
