// Element types. f32 is what models train in; f64 exists on the CPU for gradient checks; i32 holds
// token ids and lengths.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace recur {

enum class DType : uint8_t { F32, F64, I32 };

constexpr size_t dtype_size(DType t) {
  switch (t) {
    case DType::F32:
      return 4;
    case DType::F64:
      return 8;
    case DType::I32:
      return 4;
  }
  return 0;
}

constexpr std::string_view dtype_name(DType t) {
  switch (t) {
    case DType::F32:
      return "f32";
    case DType::F64:
      return "f64";
    case DType::I32:
      return "i32";
  }
  return "?";
}

template <class T>
struct DTypeOf;
template <>
struct DTypeOf<float> {
  static constexpr DType value = DType::F32;
};
template <>
struct DTypeOf<double> {
  static constexpr DType value = DType::F64;
};
template <>
struct DTypeOf<int32_t> {
  static constexpr DType value = DType::I32;
};
template <class T>
constexpr DType dtype_of = DTypeOf<T>::value;

// Calls fn.template operator()<T>() with T the C++ type of a floating dtype.
template <class Fn>
decltype(auto) dispatch_float(DType t, Fn&& fn) {
  if (t == DType::F64) return fn.template operator()<double>();
  return fn.template operator()<float>();
}

}  // namespace recur
