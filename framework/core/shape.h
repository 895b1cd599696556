// Shape of a contiguous, row-major tensor.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace recur {

class Shape {
 public:
  Shape() = default;
  Shape(std::initializer_list<int64_t> dims) : dims_(dims) {}
  explicit Shape(std::vector<int64_t> dims) : dims_(std::move(dims)) {}

  int rank() const { return static_cast<int>(dims_.size()); }
  int64_t operator[](int i) const { return dims_[i < 0 ? i + rank() : i]; }
  int64_t back() const { return dims_.back(); }
  int64_t numel() const;
  // Product of all dimensions but the last: the number of rows when viewed as a matrix.
  int64_t rows() const { return rank() == 0 ? 1 : numel() / back(); }
  const std::vector<int64_t>& dims() const { return dims_; }
  Shape with_last(int64_t last) const;
  bool operator==(const Shape&) const = default;
  std::string str() const;

 private:
  std::vector<int64_t> dims_;
};

}  // namespace recur
