// Watches the collectives queued on a communication stream from a thread of its own, so that
// neither the training thread nor the compute stream ever polls for them: the compute stream
// waits on each collective's completion event, and this thread ends the job when NCCL reports an
// asynchronous error or a collective has been running longer than the timeout (a rank that never
// joins it). As PyTorch's ProcessGroupNCCL watchdog.
#pragma once

#include <cuda_runtime.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace recur::cuda {

// The two timing events around one collective on the communication stream.
class CollectiveEvents {
 public:
  CollectiveEvents();
  ~CollectiveEvents();
  CollectiveEvents(const CollectiveEvents&) = delete;
  CollectiveEvents& operator=(const CollectiveEvents&) = delete;
  cudaEvent_t start() const { return start_; }
  cudaEvent_t stop() const { return stop_; }
  bool started() const { return cudaEventQuery(start_) == cudaSuccess; }
  bool finished() const;

 private:
  cudaEvent_t start_ = nullptr, stop_ = nullptr;
};

class CollectiveWatchdog {
 public:
  // `async_error` returns NCCL's asynchronous error message ("" while there is none); `fail` ends
  // the job with a message and does not return (it also ends it on a CUDA error seen here).
  CollectiveWatchdog(int device, double timeout_s, std::function<std::string()> async_error,
                     std::function<void(const std::string&)> fail);
  ~CollectiveWatchdog();  // after the collectives watched have finished or the job has ended
  CollectiveWatchdog(const CollectiveWatchdog&) = delete;
  CollectiveWatchdog& operator=(const CollectiveWatchdog&) = delete;

  void watch(std::shared_ptr<const CollectiveEvents> events, std::string what);

 private:
  struct Watched {
    std::shared_ptr<const CollectiveEvents> events;
    std::string what;
    std::chrono::steady_clock::time_point started{};  // when first seen running
  };
  void run();
  // Whether the oldest collective has finished; fails the job on an error or the timeout.
  bool check(Watched& oldest);

  int device_;
  double timeout_s_;
  std::function<std::string()> async_error_;
  std::function<void(const std::string&)> fail_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Watched> watched_;  // in queue order: they finish in this order on one stream
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace recur::cuda
