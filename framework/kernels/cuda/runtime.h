// The CUDA runtime as the kernels use it: the current device's compute stream, its cuBLAS handle
// and error checks. Only compiled into a build with the CUDA backend.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

namespace recur::cuda {

// Throws an Error naming `what` and the runtime's message unless `status` is cudaSuccess.
void check(cudaError_t status, const char* what);
void check(cublasStatus_t status, const char* what);

// The calling thread's current device.
int current_device();
// The compute stream of the calling thread's current device: every kernel and copy goes on it.
cudaStream_t compute_stream();
// The current device's cuBLAS handle, bound to its compute stream. Its math mode is plain FP32:
// TF32 tensor cores only under training.precision tf32 (kernels/cuda/blas.cpp sets it per GEMM).
cublasHandle_t blas_handle();

// Makes device `index` current for the guard's lifetime and then restores the previous one.
class DeviceGuard {
 public:
  explicit DeviceGuard(int index);
  ~DeviceGuard();
  DeviceGuard(const DeviceGuard&) = delete;
  DeviceGuard& operator=(const DeviceGuard&) = delete;

 private:
  int previous_ = 0;
};

// Scratch memory on the current device from its caching allocator, for a kernel's temporaries.
class DeviceBuffer {
 public:
  explicit DeviceBuffer(size_t bytes);
  ~DeviceBuffer();
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  template <class T>
  T* as() const {
    return static_cast<T*>(data_);
  }

 private:
  int device_;
  size_t bytes_;
  void* data_;
};

// Checks the launch of the kernel just queued (a bad configuration fails here, not later).
void check_launch(const char* kernel);

// Blocks of 256 threads covering n elements, at most enough to fill the device many times over;
// kernels loop with a grid stride beyond that.
constexpr int kThreads = 256;
unsigned int blocks_for(int64_t n);

}  // namespace recur::cuda
