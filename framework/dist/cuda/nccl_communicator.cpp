// NCCL for device tensors, one GPU per rank. The unique id travels over the host communicator.
// Each collective runs on a stream of its own, after the work already queued on the compute
// stream (an event orders it), so it overlaps with the kernels queued after it; wait() makes the
// compute stream wait for its completion event and returns at once: the host never waits for a
// collective. A watchdog thread (dist/cuda/collective_watchdog.h) ends the job, naming the rank,
// on NCCL's asynchronous errors and on the collective timeout.
#include <nccl.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <thread>

#include "core/device_counters.h"
#include "core/gpu.h"
#include "core/log.h"
#include "dist/cuda/collective_watchdog.h"
#include "dist/gpu_communicator.h"
#include "kernels/cuda/runtime.h"

namespace recur {

namespace {

void check_nccl(ncclResult_t status, const char* what) {
  RECUR_CHECK(status == ncclSuccess, "NCCL error in ", what, ": ", ncclGetErrorString(status));
}

ncclDataType_t nccl_type(DType t) {
  switch (t) {
    case DType::F32:
      return ncclFloat32;
    case DType::F64:
      return ncclFloat64;
    case DType::I32:
      return ncclInt32;
  }
  return ncclFloat32;
}

ncclRedOp_t nccl_op(ReduceOp op, DType t) {
  RECUR_ASSERT(op == ReduceOp::Sum || t != DType::I32, "average of integers");
  return op == ReduceOp::Sum ? ncclSum : ncclAvg;
}

// A collective queued on the communication stream, between two timing events.
class NcclPending final : public PendingCollective {
 public:
  NcclPending(int device, std::shared_ptr<const cuda::CollectiveEvents> events)
      : device_(device), events_(std::move(events)) {}
  // Orders the compute stream after the collective; the host goes on at once.
  void wait() override {
    const cuda::DeviceGuard guard(device_);
    cuda::check(cudaStreamWaitEvent(cuda::compute_stream(), events_->stop(), 0),
                "cudaStreamWaitEvent after a collective");
  }
  bool done() const override { return events_->finished(); }
  // Blocks until the collective has finished (the trainer asks at progress lines, when the
  // compute stream, and with it the collective, has finished anyway).
  double seconds() const override {
    if (!done()) {
      count_synchronisation();
      cuda::check(cudaEventSynchronize(events_->stop()), "cudaEventSynchronize of a collective");
    }
    float ms = 0;
    cuda::check(cudaEventElapsedTime(&ms, events_->start(), events_->stop()),
                "cudaEventElapsedTime");
    return ms / 1000.0;
  }

 private:
  int device_;
  std::shared_ptr<const cuda::CollectiveEvents> events_;
};

class NcclCommunicator final : public Communicator {
 public:
  NcclCommunicator(std::unique_ptr<Communicator> host, Device device, double timeout_s)
      : host_(std::move(host)), device_(device) {
    const cuda::DeviceGuard guard(device.index);
    ncclUniqueId id;
    if (host_->is_root()) check_nccl(ncclGetUniqueId(&id), "ncclGetUniqueId");
    static_assert(sizeof(id) % sizeof(int32_t) == 0);
    Tensor id_words =
        Tensor::zeros({static_cast<int64_t>(sizeof(id) / sizeof(int32_t))}, DType::I32);
    if (host_->is_root()) std::memcpy(id_words.data<int32_t>(), &id, sizeof(id));
    host_->broadcast(id_words, 0);
    std::memcpy(&id, id_words.data<int32_t>(), sizeof(id));
    check_nccl(ncclCommInitRank(&comm_, host_->world_size(), id, host_->rank()),
               "ncclCommInitRank");
    cuda::check(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking),
                "cudaStreamCreate for NCCL");
    watchdog_.emplace(
        device.index, timeout_s, [this] { return async_error(); },
        [this](const std::string& message) { fail_job(message); });
  }

  ~NcclCommunicator() override {
    watchdog_.reset();  // the collectives in flight finish first
    ncclCommDestroy(comm_);
    cudaStreamDestroy(stream_);
  }

  int rank() const override { return host_->rank(); }
  int world_size() const override { return host_->world_size(); }
  int local_rank() const override { return host_->local_rank(); }
  int local_size() const override { return host_->local_size(); }
  std::string description() const override {
    int version = 0;
    ncclGetVersion(&version);
    return concat("NCCL ", version / 10000, ".", version / 100 % 100, ".", version % 100, " on ",
                  device_.str(), " over ", host_->description());
  }

  std::unique_ptr<PendingCollective> all_reduce_async(Tensor& tensor, ReduceOp op,
                                                      const std::string& what) override {
    if (tensor.device().is_cpu()) return host_->all_reduce_async(tensor, op, what);
    void* data = tensor.untyped_device_data();
    return enqueue(what, [&] {
      return ncclAllReduce(data, data, static_cast<size_t>(tensor.numel()),
                           nccl_type(tensor.dtype()), nccl_op(op, tensor.dtype()), comm_, stream_);
    });
  }

  void broadcast(Tensor& tensor, int root) override {
    if (tensor.device().is_cpu()) return host_->broadcast(tensor, root);
    void* data = tensor.untyped_device_data();
    enqueue("broadcast", [&] {
      return ncclBroadcast(data, data, static_cast<size_t>(tensor.numel()),
                           nccl_type(tensor.dtype()), root, comm_, stream_);
    })->wait();
  }

  void all_gather(const Tensor& in, Tensor& out) override {
    if (in.device().is_cpu()) return host_->all_gather(in, out);
    RECUR_ASSERT(out.numel() == in.numel() * world_size(), "all_gather sizes");
    enqueue("all_gather", [&] {
      return ncclAllGather(in.untyped_device_data(), out.untyped_device_data(),
                           static_cast<size_t>(in.numel()), nccl_type(in.dtype()), comm_, stream_);
    })->wait();
  }

  void reduce_scatter(const Tensor& in, Tensor& out, ReduceOp op) override {
    if (in.device().is_cpu()) return host_->reduce_scatter(in, out, op);
    RECUR_ASSERT(in.numel() == out.numel() * world_size(), "reduce_scatter sizes");
    enqueue("reduce_scatter", [&] {
      return ncclReduceScatter(in.untyped_device_data(), out.untyped_device_data(),
                               static_cast<size_t>(out.numel()), nccl_type(in.dtype()),
                               nccl_op(op, in.dtype()), comm_, stream_);
    })->wait();
  }

  void barrier() override { host_->barrier(); }
  void barrier_untimed() override { host_->barrier_untimed(); }

  // The watchdog thread and the training thread may both end the job: the first does, the second
  // waits for it to take the process down.
  [[noreturn]] void abort(int exit_code) override {
    bool first = false;
    {
      const std::lock_guard lock(abort_mutex_);
      first = !aborting_;
      aborting_ = true;  // from here on the watchdog leaves comm_ alone
    }
    while (!first)
      std::this_thread::sleep_for(std::chrono::seconds(1));
    ncclCommAbort(comm_);
    host_->abort(exit_code);
    std::_Exit(exit_code);  // not reached; the compiler does not know a virtual call's noreturn
  }

 private:
  // Queues `collective` on the communication stream after the compute stream's queued work.
  template <class Collective>
  std::unique_ptr<NcclPending> enqueue(const std::string& what, Collective collective) {
    const cuda::DeviceGuard guard(device_.index);
    cudaEvent_t ready = nullptr;
    cuda::check(cudaEventCreate(&ready), "cudaEventCreate");
    cuda::check(cudaEventRecord(ready, cuda::compute_stream()), "cudaEventRecord");
    cuda::check(cudaStreamWaitEvent(stream_, ready, 0), "cudaStreamWaitEvent");
    cudaEventDestroy(ready);  // released once recorded work completes
    auto events = std::make_shared<const cuda::CollectiveEvents>();
    cuda::check(cudaEventRecord(events->start(), stream_), "cudaEventRecord");
    check_nccl(collective(), what.c_str());
    cuda::check(cudaEventRecord(events->stop(), stream_), "cudaEventRecord");
    watchdog_->watch(events, what);
    return std::make_unique<NcclPending>(device_.index, std::move(events));
  }

  std::string async_error() {
    const std::lock_guard lock(abort_mutex_);
    if (aborting_) return "";
    ncclResult_t state = ncclSuccess;
    ncclCommGetAsyncError(comm_, &state);
    if (state == ncclSuccess || state == ncclInProgress) return "";
    return ncclGetErrorString(state);
  }

  [[noreturn]] void fail_job(const std::string& message) {
    log::error("rank ", rank(), ": ", message, "; ending the job");
    abort(1);
  }

  std::unique_ptr<Communicator> host_;
  Device device_;
  ncclComm_t comm_ = nullptr;
  cudaStream_t stream_ = nullptr;
  std::mutex abort_mutex_;
  bool aborting_ = false;  // under abort_mutex_
  std::optional<cuda::CollectiveWatchdog> watchdog_;
};

}  // namespace

std::unique_ptr<Communicator> make_nccl_communicator(std::unique_ptr<Communicator> host,
                                                     Device device, double collective_timeout_s) {
  gpu::require(device);
  return std::make_unique<NcclCommunicator>(std::move(host), device, collective_timeout_s);
}

}  // namespace recur
