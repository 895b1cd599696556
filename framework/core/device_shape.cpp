#include <charconv>

#include "core/device.h"
#include "core/error.h"
#include "core/shape.h"

namespace recur {

std::string Device::str() const {
  return is_cpu() ? std::string("cpu") : "cuda:" + std::to_string(index);
}

std::optional<Device> Device::try_parse(const std::string& text) {
  if (text == "cpu") return cpu();
  if (text == "cuda") return cuda(0);
  if (text.starts_with("cuda:")) {
    int index = -1;
    const char* begin = text.data() + 5;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(begin, end, index);
    if (ec == std::errc() && ptr == end && index >= 0) return cuda(index);
  }
  return std::nullopt;
}

Device Device::parse(const std::string& text) {
  const std::optional<Device> device = try_parse(text);
  if (!device) fail("unknown device '", text, "' (expected cpu, cuda or cuda:N)");
  return *device;
}

Device Device::for_local_rank(const std::string& requested, int local_rank, int visible_gpus) {
  const Device device = parse(requested);
  if (requested != "cuda" || visible_gpus <= 0) return device;
  return cuda(local_rank % visible_gpus);
}

int64_t Shape::numel() const {
  int64_t n = 1;
  for (int64_t d : dims_)
    n *= d;
  return n;
}

Shape Shape::with_last(int64_t last) const {
  std::vector<int64_t> dims = dims_;
  dims.back() = last;
  return Shape(std::move(dims));
}

std::string Shape::str() const {
  std::string s = "(";
  for (size_t i = 0; i < dims_.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(dims_[i]);
  }
  return s + ")";
}

}  // namespace recur
