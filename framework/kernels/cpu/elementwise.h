// Element-wise CPU kernels over contiguous arrays of n elements.
#pragma once

#include <cstdint>

#include "kernels/activation.h"

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

// x (rows, cols) += bias (cols) broadcast over rows.
template <class T>
void add_bias(int64_t rows, int64_t cols, const T* bias, T* x);
// out (cols) += sum over rows of x (rows, cols).
template <class T>
void sum_rows_accumulate(int64_t rows, int64_t cols, const T* x, T* out);
// out (rows, cols) = x * scale[row]: x row r scaled by row_scale[r] (0/1 masks, per-row factors).
template <class T>
void scale_rows(int64_t rows, int64_t cols, const T* x, const T* row_scale, T* out);

using recur::Activation;
// y = f(x)
template <class T>
void activation_forward(Activation f, int64_t n, const T* x, T* y);
// dx += dy * f'(x), with f' written in terms of the output y.
template <class T>
void activation_backward(Activation f, int64_t n, const T* y, const T* dy, T* dx);

// Deterministic sums: fixed blocks summed in a fixed order, whatever the number of threads.
template <class T>
double sum(int64_t n, const T* x);
template <class T>
double sum_squares(int64_t n, const T* x);

}  // namespace recur::cpu
