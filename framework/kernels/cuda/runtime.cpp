// The GPU runtime of a build with the CUDA backend: device discovery, one compute stream, cuBLAS
// handle and caching allocator per device, copies and fills.
#include "kernels/cuda/runtime.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

#include "core/device_counters.h"
#include "core/error.h"
#include "core/gpu.h"
#include "core/host.h"
#include "core/rng.h"
#include "kernels/cuda/elementwise.h"
#include "kernels/cuda/pinned_staging.h"

namespace recur::cuda {

void check(cudaError_t status, const char* what) {
  if (status == cudaSuccess) return;
  cudaGetLastError();  // clear it, so that the next check does not report it again
  fail("CUDA error in ", what, ": ", cudaGetErrorString(status));
}

void check(cublasStatus_t status, const char* what) {
  RECUR_CHECK(status == CUBLAS_STATUS_SUCCESS, "cuBLAS error in ", what, ": ",
              cublasGetStatusString(status));
}

void check_launch(const char* kernel) {
  count_launch();
  check(cudaGetLastError(), kernel);
}

DeviceGuard::DeviceGuard(int index) {
  check(cudaGetDevice(&previous_), "cudaGetDevice");
  check(cudaSetDevice(index), "cudaSetDevice");
}

DeviceGuard::~DeviceGuard() {
  cudaSetDevice(previous_);
}

unsigned int blocks_for(int64_t n) {
  const int64_t blocks = (n + kThreads - 1) / kThreads;
  return static_cast<unsigned int>(std::clamp<int64_t>(blocks, 1, 65535));
}

namespace {

// The block an allocation call returned with `status`: nullptr when memory ran out, so that the
// caching allocator can free its cache and try again.
void* allocated(cudaError_t status, void* ptr, const char* what) {
  if (status == cudaErrorMemoryAllocation) {
    cudaGetLastError();
    return nullptr;
  }
  check(status, what);
  return ptr;
}

// Device memory from cudaMalloc.
class DeviceBlocks final : public BlockSource {
 public:
  explicit DeviceBlocks(int index) : index_(index) {}
  void* allocate(size_t bytes) override {
    const DeviceGuard guard(index_);
    void* ptr = nullptr;
    return allocated(cudaMalloc(&ptr, bytes), ptr, "cudaMalloc");
  }
  void free(void* ptr) override { check(cudaFree(ptr), "cudaFree"); }
  std::string memory_name() const override { return Device::cuda(index_).str() + " memory"; }

 private:
  int index_;
};

// Page-locked host memory from cudaMallocHost.
class PinnedHostBlocks final : public BlockSource {
 public:
  void* allocate(size_t bytes) override {
    void* ptr = nullptr;
    return allocated(cudaMallocHost(&ptr, bytes), ptr, "cudaMallocHost");
  }
  void free(void* ptr) override { check(cudaFreeHost(ptr), "cudaFreeHost"); }
  std::string memory_name() const override { return "pinned host memory"; }
};

// The pinned ring that host-to-device copies of up to this many bytes go through.
constexpr size_t kStagingBytes = size_t{16} << 20;

struct DeviceRuntime {
  explicit DeviceRuntime(int index)
      : allocator(std::make_unique<DeviceBlocks>(index)), staging(kStagingBytes) {
    const DeviceGuard guard(index);
    check(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), "cudaStreamCreate");
    check(cublasCreate(&blas), "cublasCreate");
    check(cublasSetStream(blas, stream), "cublasSetStream");
    check(cublasSetMathMode(blas, CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
  }
  cudaStream_t stream = nullptr;
  cublasHandle_t blas = nullptr;
  CachingAllocator allocator;
  PinnedStaging staging;
};

// One slot per visible device, its runtime created once on first use (no lock after that: every
// kernel launch looks its stream up here). Never destroyed: tensors with static lifetime may free
// device blocks during exit, after the CUDA runtime itself has shut down.
struct RuntimeSlot {
  std::once_flag created;
  std::unique_ptr<DeviceRuntime> runtime;
};

DeviceRuntime& runtime(int index) {
  gpu::require(Device::cuda(index));
  static auto* slots =
      new std::vector<RuntimeSlot>(static_cast<size_t>(gpu::availability().devices));
  RuntimeSlot& slot = (*slots)[static_cast<size_t>(index)];
  std::call_once(slot.created, [&] { slot.runtime = std::make_unique<DeviceRuntime>(index); });
  return *slot.runtime;
}

}  // namespace

int current_device() {
  int index = 0;
  check(cudaGetDevice(&index), "cudaGetDevice");
  return index;
}

DeviceBuffer::DeviceBuffer(size_t bytes)
    : device_(current_device()), bytes_(bytes), data_(runtime(device_).allocator.allocate(bytes)) {}

DeviceBuffer::~DeviceBuffer() {
  runtime(device_).allocator.release(data_, bytes_);
}

cudaStream_t compute_stream() {
  return runtime(current_device()).stream;
}

cublasHandle_t blas_handle() {
  return runtime(current_device()).blas;
}

}  // namespace recur::cuda

namespace recur::gpu {

bool built_with_cuda() {
  return true;
}

const Availability& availability() {
  static const Availability found = [] {
    int devices = 0;
    const cudaError_t status = cudaGetDeviceCount(&devices);
    if (status != cudaSuccess) {
      cudaGetLastError();
      return Availability{0, cudaGetErrorString(status)};
    }
    if (devices == 0) return Availability{0, "no CUDA device"};
    return Availability{devices, ""};
  }();
  return found;
}

void require(Device device) {
  if (device.is_cpu()) return;
  const Availability& a = availability();
  RECUR_CHECK(a.devices > 0, "device ", device.str(), " is not available: ", a.reason);
  RECUR_CHECK(device.index < a.devices, "device ", device.str(), " is not available: ", a.devices,
              " CUDA device(s) visible");
}

CachingAllocator& device_allocator(int index) {
  return cuda::runtime(index).allocator;
}

CachingAllocator& pinned_host_allocator() {
  // Never destroyed, as the device runtimes.
  static auto* allocator = new CachingAllocator(std::make_unique<cuda::PinnedHostBlocks>());
  return *allocator;
}

void copy(void* destination, Device destination_device, const void* source, Device source_device,
          size_t bytes) {
  require(destination_device);
  require(source_device);
  if (destination_device.is_cpu() && source_device.is_cpu()) {
    std::memmove(destination, source, bytes);
    return;
  }
  // The copy goes after the work queued on the device's compute stream (unified addressing lets the
  // runtime tell the direction from the pointers). A copy to a device goes through the device's
  // pinned staging ring when it fits (an asynchronous DMA); otherwise the runtime stages recur's
  // pageable memory before cudaMemcpyAsync returns. Neither waits; only a copy the host reads or
  // one between two devices does.
  const Device on = source_device.is_cpu() ? destination_device : source_device;
  if (source_device.is_cpu()) {
    const cuda::DeviceGuard guard(on.index);
    cuda::DeviceRuntime& device = cuda::runtime(on.index);
    if (device.staging.copy_to_device(destination, source, bytes, device.stream)) return;
  }
  const bool between_devices = !destination_device.is_cpu() && !source_device.is_cpu() &&
                               destination_device != source_device;
  if (between_devices) synchronize(destination_device);
  cudaStream_t stream = cuda::runtime(on.index).stream;
  cuda::check(cudaMemcpyAsync(destination, source, bytes, cudaMemcpyDefault, stream),
              "cudaMemcpyAsync");
  if (destination_device.is_cpu() || between_devices) {
    cuda::check(cudaStreamSynchronize(stream), "cudaStreamSynchronize after a copy");
  }
}

int current_device() {
  return cuda::current_device();
}

void use_device(Device device) {
  if (device.is_cpu()) return;
  require(device);
  cuda::check(cudaSetDevice(device.index), "cudaSetDevice");
}

void fill(Device device, DType dtype, void* data, size_t n, double value) {
  require(device);
  const cuda::DeviceGuard guard(device.index);
  cuda::fill(dtype, data, static_cast<int64_t>(n), value);
}

uint64_t device_identity(Device device) {
  require(device);
  char bus_id[64] = {};
  cuda::check(cudaDeviceGetPCIBusId(bus_id, sizeof(bus_id), device.index), "cudaDeviceGetPCIBusId");
  const std::string identity = host_name() + "/" + bus_id;
  return hash_name(identity.data(), identity.size());
}

void synchronize(Device device) {
  count_synchronisation();
  if (device.is_cpu()) return;
  cuda::check(cudaStreamSynchronize(cuda::runtime(device.index).stream), "cudaStreamSynchronize");
}

}  // namespace recur::gpu
