// Where a tensor lives. Every tensor carries a Device; kernels dispatch on it.
#pragma once

#include <optional>
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
  // Parses "cpu", "cuda" (cuda:0) or "cuda:N"; throws Error on anything else.
  static Device parse(const std::string& text);
  // The same, or nothing for anything else.
  static std::optional<Device> try_parse(const std::string& text);
  // What `requested` (as parse() takes it) means for the process with this rank among the job's
  // processes on its node, on a node with `visible_gpus` GPUs: plain "cuda" spreads the processes
  // over the GPUs (local rank modulo their number); "cuda:N" is GPU N for every process.
  static Device for_local_rank(const std::string& requested, int local_rank, int visible_gpus);
};

}  // namespace recur
