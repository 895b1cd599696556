// Element-wise CUDA kernels over contiguous device arrays of n elements, on the current device's
// compute stream: the counterparts of kernels/cpu/elementwise.h, with the same contracts.
#pragma once

#include <cstdint>

#include "core/dtype.h"
#include "kernels/activation.h"

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

// Deterministic sums in double: a fixed grid of partial sums added in a fixed order. They wait
// for the result (a copy to the host).
template <class T>
double sum(int64_t n, const T* x);
template <class T>
double sum_squares(int64_t n, const T* x);

// data[0, n) = value, for f32, f64 or i32 elements.
void fill(DType dtype, void* data, int64_t n, double value);

}  // namespace recur::cuda
