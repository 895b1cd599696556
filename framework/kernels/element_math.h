// The scalar functions of the element formulas, written once for the CPU loops (kernels/cpu) and
// the CUDA kernels (kernels/cuda). On the device they are CUDA's exp, log, sqrt and tanh. On the
// host they are written so that GCC vectorises loops calling them: the f32 exp is a polynomial with
// about 2 ulp of error; f64 (gradient checks) uses the C library, exact to the last bit.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>

#include "core/host_device.h"

namespace recur::kernels {

// Host only: the f32 exp of the CPU loops.
inline float exp_fast(float x) {
  // exp(x) = 2^n * exp(r), n = round(x / ln 2), |r| <= ln(2) / 2.
  x = x < -87.0f ? -87.0f : x;
  x = x > 88.0f ? 88.0f : x;
  float n = std::nearbyint(x * 1.44269504088896341f);
  float r = std::fma(n, -0.693359375f, x);
  r = std::fma(n, 2.12194440e-4f, r);
  float p = 1.9875691500e-4f;
  p = std::fma(p, r, 1.3981999507e-3f);
  p = std::fma(p, r, 8.3334519073e-3f);
  p = std::fma(p, r, 4.1665795894e-2f);
  p = std::fma(p, r, 1.6666665459e-1f);
  p = std::fma(p, r, 5.0000001201e-1f);
  p = std::fma(p * r, r, r) + 1.0f;
  // 2^n from n's bits in n + 1.5 * 2^23 (exact for |n| < 2^22), unsigned: defined for every x,
  // where casting a NaN to an integer is not (a NaN x gives a NaN p and so a NaN result).
  const uint32_t bits = (std::bit_cast<uint32_t>(n + 12582912.0f) - 0x4B400000u + 127u) << 23;
  return p * std::bit_cast<float>(bits);
}

template <class T>
RECUR_HOST_DEVICE T exp_of(T x) {
#ifdef __CUDA_ARCH__
  if constexpr (sizeof(T) == 4) {
    return ::expf(x);
  } else {
    return ::exp(x);
  }
#else
  if constexpr (sizeof(T) == 4) {
    return exp_fast(x);
  } else {
    return std::exp(x);
  }
#endif
}

template <class T>
RECUR_HOST_DEVICE T log_of(T x) {
#ifdef __CUDA_ARCH__
  if constexpr (sizeof(T) == 4) {
    return ::logf(x);
  } else {
    return ::log(x);
  }
#else
  return std::log(x);
#endif
}

template <class T>
RECUR_HOST_DEVICE T sqrt_of(T x) {
#ifdef __CUDA_ARCH__
  if constexpr (sizeof(T) == 4) {
    return ::sqrtf(x);
  } else {
    return ::sqrt(x);
  }
#else
  return std::sqrt(x);
#endif
}

template <class T>
RECUR_HOST_DEVICE T tanh_of(T x) {
#ifdef __CUDA_ARCH__
  if constexpr (sizeof(T) == 4) {
    return ::tanhf(x);
  } else {
    return ::tanh(x);
  }
#else
  if constexpr (sizeof(T) == 4) {
    // tanh(x) = sign(x) (1 - e) / (1 + e), e = exp(-2|x|): no overflow, and vectorisable.
    T e = exp_fast(-2.0f * std::fabs(x));
    return std::copysign((T(1) - e) / (T(1) + e), x);
  } else {
    return std::tanh(x);
  }
#endif
}

template <class T>
RECUR_HOST_DEVICE T sigmoid_of(T x) {
  return T(1) / (T(1) + exp_of(-x));
}

template <class T>
RECUR_HOST_DEVICE T relu_of(T x) {
  return x > T(0) ? x : T(0);
}

// dy f'(x) for the activation f whose output is y: the gradients of sigmoid, tanh and relu are
// written in terms of their outputs, which the forward passes keep.
template <class T>
RECUR_HOST_DEVICE T sigmoid_grad(T y, T dy) {
  return dy * y * (T(1) - y);
}

template <class T>
RECUR_HOST_DEVICE T tanh_grad(T y, T dy) {
  return dy * (T(1) - y * y);
}

template <class T>
RECUR_HOST_DEVICE T relu_grad(T y, T dy) {
  return y > T(0) ? dy : T(0);
}

}  // namespace recur::kernels
