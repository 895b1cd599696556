// Where a tensor lives. Every tensor carries a Device; kernels dispatch on it.
#pragma once

#include <string>

namespace recur {

enum class DeviceType { CPU, CUDA };

struct Device {
  DeviceType type = DeviceType::CPU;
  int index = 0;

  static Device cpu() { return {}; }
  static Device cuda(int i) { return {DeviceType::CUDA, i}; }
  bool is_cpu() const { return type == DeviceType::CPU; }
  bool operator==(const Device&) const = default;
  std::string str() const;
  // Parses "cpu", "cuda" or "cuda:N"; throws Error on anything else.
  static Device parse(const std::string& text);
};

}  // namespace recur
