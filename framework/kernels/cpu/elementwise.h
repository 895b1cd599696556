// Element-wise CPU kernels over contiguous arrays of n elements.
#pragma once

#include <cstdint>

#include "kernels/kernel_types.h"

namespace recur::cpu {

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
// x += alpha[0] * factor: a scalar the device computed (a loss's gradient), never read on the host.
template <class T>
void add_scalar(int64_t n, const T* alpha, double factor, T* x);
template <class T>
void copy(int64_t n, const T* x, T* out);  // out = x

// x (rows, cols) += bias (cols) broadcast over rows.
template <class T>
void add_bias(int64_t rows, int64_t cols, const T* bias, T* x);
// out (cols) += sum over rows of x (rows, cols).
template <class T>
void sum_rows_accumulate(int64_t rows, int64_t cols, const T* x, T* out);
// out (rows, cols) = x * scale[row]: x row r scaled by row_scale[r] (0/1 masks, per-row factors).
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

// Deterministic sums: fixed blocks summed in a fixed order, whatever the number of threads. The
// result stays where the data is (out: one element).
template <class T>
void sum(int64_t n, const T* x, double factor, T* out);  // out = factor * sum(x)
template <class T>
void sum_squares(int64_t n, const T* x, double* out);  // out = sum(x^2), in double

}  // namespace recur::cpu
