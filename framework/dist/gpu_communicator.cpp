#include "dist/gpu_communicator.h"

#include <cstdlib>
#include <map>
#include <tuple>
#include <unordered_map>

#include "core/gpu.h"

namespace recur {

namespace {

// A collective on a host copy of a device tensor, copied back when it completes.
class StagedPending final : public PendingCollective {
 public:
  StagedPending(std::unique_ptr<PendingCollective> inner, Tensor host, Tensor device)
      : inner_(std::move(inner)), host_(std::move(host)), device_(std::move(device)) {}
  void wait() override {
    inner_->wait();
    device_.copy_from(host_);
  }
  bool done() const override { return inner_->done(); }
  double seconds() const override { return inner_->seconds(); }

 private:
  std::unique_ptr<PendingCollective> inner_;
  Tensor host_, device_;
};

// The host communicator for device tensors too: each collective copies them to the host and back.
// An all-reduce stages through a pinned host buffer kept for its device range (a gradient bucket),
// reused step after step: the copy out of it back to the device and the next step's copy into it
// are ordered on the compute stream.
class HostStagedCommunicator final : public Communicator {
 public:
  explicit HostStagedCommunicator(std::unique_ptr<Communicator> host) : host_(std::move(host)) {}

  int rank() const override { return host_->rank(); }
  int world_size() const override { return host_->world_size(); }
  int local_rank() const override { return host_->local_rank(); }
  int local_size() const override { return host_->local_size(); }
  std::string description() const override {
    return host_->description() + ", device tensors staged through host memory";
  }

  std::unique_ptr<PendingCollective> all_reduce_async(Tensor& tensor, ReduceOp op,
                                                      const std::string& what) override {
    if (tensor.device().is_cpu()) return host_->all_reduce_async(tensor, op, what);
    Tensor staged = staging_for(tensor);
    staged.copy_from(tensor);
    auto inner = host_->all_reduce_async(staged, op, what);
    return std::make_unique<StagedPending>(std::move(inner), staged, tensor);
  }
  void broadcast(Tensor& tensor, int root) override {
    Tensor staged = tensor.to(Device::cpu());
    host_->broadcast(staged, root);
    tensor.copy_from(staged);
  }
  void all_gather(const Tensor& in, Tensor& out) override {
    Tensor staged_out = Tensor::empty(out.shape(), out.dtype());
    host_->all_gather(in.to(Device::cpu()), staged_out);
    out.copy_from(staged_out);
  }
  void reduce_scatter(const Tensor& in, Tensor& out, ReduceOp op) override {
    Tensor staged_out = Tensor::empty(out.shape(), out.dtype());
    host_->reduce_scatter(in.to(Device::cpu()), staged_out, op);
    out.copy_from(staged_out);
  }
  void barrier() override { host_->barrier(); }
  void barrier_untimed() override { host_->barrier_untimed(); }
  [[noreturn]] void abort(int exit_code) override {
    host_->abort(exit_code);
    std::_Exit(exit_code);  // not reached; the compiler does not know a virtual call's noreturn
  }

 private:
  // The pinned buffer of the device range `tensor` covers.
  Tensor staging_for(const Tensor& tensor) {
    const StagingKey key{tensor.untyped_device_data(), tensor.numel(), tensor.dtype()};
    auto it = staging_.find(key);
    if (it == staging_.end())
      it = staging_.emplace(key, Tensor::empty_pinned(tensor.shape(), tensor.dtype())).first;
    return it->second;
  }

  using StagingKey = std::tuple<const void*, int64_t, DType>;
  std::unique_ptr<Communicator> host_;
  std::map<StagingKey, Tensor> staging_;
};

}  // namespace

std::optional<std::pair<int, int>> first_shared_device(const std::vector<uint64_t>& device_ids) {
  std::unordered_map<uint64_t, int> first_rank;
  for (int r = 0; r < static_cast<int>(device_ids.size()); ++r) {
    const auto [it, fresh] = first_rank.emplace(device_ids[static_cast<size_t>(r)], r);
    if (!fresh) return std::pair{it->second, r};
  }
  return std::nullopt;
}

std::unique_ptr<Communicator> make_gpu_communicator(std::unique_ptr<Communicator> host,
                                                    Device device, SharedGpuPolicy policy,
                                                    double collective_timeout_s) {
  RECUR_CHECK(!device.is_cpu(), "make_gpu_communicator: ", device.str(), " is not a GPU");
  gpu::require(device);
  const auto shared = first_shared_device(gather_hashes(*host, gpu::device_identity(device)));
  if (!shared) return make_nccl_communicator(std::move(host), device, collective_timeout_s);
  RECUR_CHECK(policy == SharedGpuPolicy::Stage, "ranks ", shared->first, " and ", shared->second,
              " use the same GPU, which NCCL does not allow: give each rank a GPU of its own or "
              "let several ranks share one through host memory (shared GPU policy 'stage')");
  return std::make_unique<HostStagedCommunicator>(std::move(host));
}

}  // namespace recur
