#include "dist/cuda/collective_watchdog.h"

#include <exception>

#include "core/log.h"
#include "kernels/cuda/runtime.h"

namespace recur::cuda {

namespace {

// How often a running collective is looked at: well under any timeout, and idle in between.
constexpr auto kPollInterval = std::chrono::microseconds(200);

}  // namespace

CollectiveEvents::CollectiveEvents() {
  check(cudaEventCreate(&start_), "cudaEventCreate");
  check(cudaEventCreate(&stop_), "cudaEventCreate");
}

CollectiveEvents::~CollectiveEvents() {
  cudaEventDestroy(start_);
  cudaEventDestroy(stop_);
}

bool CollectiveEvents::finished() const {
  const cudaError_t status = cudaEventQuery(stop_);
  if (status == cudaErrorNotReady) return false;
  check(status, "cudaEventQuery of a collective");
  return true;
}

CollectiveWatchdog::CollectiveWatchdog(int device, double timeout_s,
                                       std::function<std::string()> async_error,
                                       std::function<void(const std::string&)> fail)
    : device_(device),
      timeout_s_(timeout_s),
      async_error_(std::move(async_error)),
      fail_(std::move(fail)),
      thread_([this] { run(); }) {}

CollectiveWatchdog::~CollectiveWatchdog() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void CollectiveWatchdog::watch(std::shared_ptr<const CollectiveEvents> events, std::string what) {
  {
    const std::lock_guard lock(mutex_);
    watched_.push_back({std::move(events), std::move(what)});
  }
  wake_.notify_one();
}

void CollectiveWatchdog::run() {
  const DeviceGuard guard(device_);
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !watched_.empty(); });
    if (watched_.empty()) return;  // stopping, nothing left in flight
    Watched& oldest = watched_.front();
    lock.unlock();
    bool finished = false;
    try {
      finished = check(oldest);
    } catch (const std::exception& e) {  // a CUDA error: end the job as the training thread would
      fail_(e.what());
    }
    if (!finished) std::this_thread::sleep_for(kPollInterval);
    lock.lock();
    if (finished) watched_.pop_front();
  }
}

bool CollectiveWatchdog::check(Watched& oldest) {
  if (oldest.events->finished()) return true;
  const std::string error = async_error_();
  if (!error.empty()) fail_(concat("NCCL error in ", oldest.what, ": ", error));
  const auto now = std::chrono::steady_clock::now();
  if (oldest.started == std::chrono::steady_clock::time_point{}) {
    if (oldest.events->started()) oldest.started = now;
    return false;
  }
  if (std::chrono::duration<double>(now - oldest.started).count() > timeout_s_)
    fail_(concat(oldest.what, " did not finish within ", timeout_s_, " s"));
  return false;
}

}  // namespace recur::cuda
