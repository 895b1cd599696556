// RECUR_HOST_DEVICE marks an inline function that both host code and CUDA kernels call, so that a
// formula is written once for the two backends: __host__ __device__ under nvcc, plain inline for
// the host compiler. Inside such a function, __CUDA_ARCH__ (defined only while nvcc compiles
// device code) picks the device's math functions where the host uses its own.
#pragma once

#ifdef __CUDACC__
#define RECUR_HOST_DEVICE __host__ __device__ inline
#else
#define RECUR_HOST_DEVICE inline
#endif
