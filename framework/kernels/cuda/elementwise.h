// Element-wise CUDA kernels over contiguous device arrays of n elements, on the current device's
// compute stream: the counterparts of kernels/cpu/elementwise.h, with the same contracts.
#pragma once

#include <cstdint>

#include "core/dtype.h"
#include "kernels/kernel_types.h"

namespace recur::cuda {

template <class T>
void add(int64_t n, const T* a, const T* b, T* out);  // out = a + b
template <class T>
void mul(int64_t n, const T* a, const T* b, T* out);  // out = a * b
template <class T>
void axpy(int64_t n, T alpha, const T* x, T* y);  // y += alpha * x
template <class T>
void mul_accumulate(int64_t n, const T* a, const T* b, T* out);  // out += a * b
template <class T>
void scale(int64_t n, T alpha, T* x);  // x *= alpha
template <class T>
void add_scalar(int64_t n, const T* alpha, double factor, T* x);  // x += alpha[0] * factor
template <class T>
void copy(int64_t n, const T* x, T* out);  // out = x

// x (rows, cols) += bias (cols) broadcast over rows.
template <class T>
void add_bias(int64_t rows, int64_t cols, const T* bias, T* x);
// out (cols) += sum over rows of x (rows, cols).
template <class T>
void sum_rows_accumulate(int64_t rows, int64_t cols, const T* x, T* out);
// out (rows, cols) = x * row_scale[row].
template <class T>
void scale_rows(int64_t rows, int64_t cols, const T* x, const T* row_scale, T* out);

// y = f(x)
template <class T>
void activation_forward(Activation f, int64_t n, const T* x, T* y);
// dx += dy * f'(x), with f' written in terms of the output y.
template <class T>
void activation_backward(Activation f, int64_t n, const T* y, const T* dy, T* dx);

// Sub-matrix copy: row r of dst (rows, cols; rows dst_stride apart) = (or +=, when accumulate) row
// r of src (rows, cols; rows src_stride apart). Concatenation, slicing and transposes of blocks.
template <class T>
void copy_rows(int64_t rows, int64_t cols, const T* src, int64_t src_stride, T* dst,
               int64_t dst_stride, bool accumulate);
// out (rows, cols) = row (cols) in every row.
template <class T>
void broadcast_rows(int64_t rows, int64_t cols, const T* row, T* out);

// Deterministic sums in double: a fixed grid of partial sums added in a fixed order. The result
// stays on the device (out: one element); nothing waits for it.
template <class T>
void sum(int64_t n, const T* x, double factor, T* out);  // out = factor * sum(x)
template <class T>
void sum_squares(int64_t n, const T* x, double* out);  // out = sum(x^2)

// data[0, n) = value, for f32, f64 or i32 elements.
void fill(DType dtype, void* data, int64_t n, double value);

}  // namespace recur::cuda
