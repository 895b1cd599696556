// NCCL for device tensors, one GPU per rank. The unique id travels over the host communicator.
// Each collective runs on a stream of its own, after the work already queued on the compute
// stream (an event orders it), so it overlaps with the kernels queued after it; wait() makes the
// compute stream wait for it. Waiting polls NCCL's asynchronous error state and the collective
// timeout: either ends the job with a message naming the rank.
#include <nccl.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "core/gpu.h"
#include "core/log.h"
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

class NcclCommunicator;

// A collective queued on the communication stream, between two timing events.
class NcclPending final : public PendingCollective {
 public:
  NcclPending(NcclCommunicator& comm, std::string what, cudaEvent_t start, cudaEvent_t stop)
      : comm_(comm), what_(std::move(what)), start_(start), stop_(stop) {}
  ~NcclPending() override {
    cudaEventDestroy(start_);
    cudaEventDestroy(stop_);
  }
  void wait() override;
  bool done() const override { return cudaEventQuery(stop_) == cudaSuccess; }
  double seconds() const override {
    float ms = 0;
    cuda::check(cudaEventElapsedTime(&ms, start_, stop_), "cudaEventElapsedTime");
    return ms / 1000.0;
  }

 private:
  NcclCommunicator& comm_;
  std::string what_;
  cudaEvent_t start_, stop_;
};

class NcclCommunicator final : public Communicator {
 public:
  NcclCommunicator(std::unique_ptr<Communicator> host, Device device, double timeout_s)
      : host_(std::move(host)), device_(device), timeout_s_(timeout_s) {
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
  }

  ~NcclCommunicator() override {
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

  [[noreturn]] void abort(int exit_code) override {
    ncclCommAbort(comm_);
    host_->abort(exit_code);
    std::_Exit(exit_code);  // not reached; the compiler does not know a virtual call's noreturn
  }

  // Until the collective ending at `stop` has finished; then orders the compute stream after it.
  // An asynchronous NCCL error or the timeout ends the job.
  void wait_for(cudaEvent_t stop, const std::string& what) {
    const auto start = std::chrono::steady_clock::now();
    for (;;) {
      const cudaError_t finished = cudaEventQuery(stop);
      if (finished == cudaSuccess) break;
      if (finished != cudaErrorNotReady) cuda::check(finished, what.c_str());
      ncclResult_t state = ncclSuccess;
      ncclCommGetAsyncError(comm_, &state);
      if (state != ncclSuccess && state != ncclInProgress) {
        fail_job(concat("NCCL error in ", what, ": ", ncclGetErrorString(state)));
      }
      const double waited =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (waited > timeout_s_) {
        fail_job(concat(what, " did not finish within ", timeout_s_, " s"));
      }
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
    const cuda::DeviceGuard guard(device_.index);
    cuda::check(cudaStreamWaitEvent(cuda::compute_stream(), stop, 0),
                "cudaStreamWaitEvent after a collective");
  }

 private:
  // Queues `collective` on the communication stream after the compute stream's queued work.
  template <class Collective>
  std::unique_ptr<NcclPending> enqueue(const std::string& what, Collective collective) {
    const cuda::DeviceGuard guard(device_.index);
    cudaEvent_t ready = nullptr, start = nullptr, stop = nullptr;
    for (cudaEvent_t* e : {&ready, &start, &stop})
      cuda::check(cudaEventCreate(e), "cudaEventCreate");
    cuda::check(cudaEventRecord(ready, cuda::compute_stream()), "cudaEventRecord");
    cuda::check(cudaStreamWaitEvent(stream_, ready, 0), "cudaStreamWaitEvent");
    cudaEventDestroy(ready);  // released once recorded work completes
    cuda::check(cudaEventRecord(start, stream_), "cudaEventRecord");
    check_nccl(collective(), what.c_str());
    cuda::check(cudaEventRecord(stop, stream_), "cudaEventRecord");
    return std::make_unique<NcclPending>(*this, what, start, stop);
  }

  [[noreturn]] void fail_job(const std::string& message) {
    log::error("rank ", rank(), ": ", message, "; ending the job");
    abort(1);
  }

  std::unique_ptr<Communicator> host_;
  Device device_;
  double timeout_s_;
  ncclComm_t comm_ = nullptr;
  cudaStream_t stream_ = nullptr;
};

void NcclPending::wait() {
  comm_.wait_for(stop_, what_);
}

}  // namespace

std::unique_ptr<Communicator> make_nccl_communicator(std::unique_ptr<Communicator> host,
                                                     Device device, double collective_timeout_s) {
  gpu::require(device);
  return std::make_unique<NcclCommunicator>(std::move(host), device, collective_timeout_s);
}

}  // namespace recur
