// Layer normalisation over the last dimension of a (rows, D) device matrix: the counterpart of
// kernels/cpu/layer_norm.h (formulas there). dgain and dbias add the rows in order.
#pragma once

#include <cstdint>

namespace recur::cuda {

template <class T>
void layer_norm_forward(int64_t rows, int64_t dim, double eps, const T* x, const T* gain,
                        const T* bias, T* y, T* mean, T* rstd);

// Adds the gradients for dy to dx, dgain and dbias (any may be null).
template <class T>
void layer_norm_backward(int64_t rows, int64_t dim, const T* x, const T* gain, const T* mean,
                         const T* rstd, const T* dy, T* dx, T* dgain, T* dbias);

}  // namespace recur::cuda
