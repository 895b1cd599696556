// Parameters in one flat buffer.
//
// Modules declare their parameters (path, shape, initialiser) while they are built; materialize()
// then lays them out in declaration order in one flat value buffer and one flat gradient buffer,
// and gives every Parameter a Var that views its range of both. One buffer makes bucketed
// all-reduce, checkpoint sharding by ranges and fused optimiser updates simple.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "autograd/var.h"

namespace recur {

struct Init {
  enum class Kind { Zeros, Constant, Uniform, Normal };
  Kind kind = Kind::Zeros;
  double scale = 0.0;  // the constant, bound of Uniform(-scale, scale), or std of Normal

  static Init zeros() { return {Kind::Zeros, 0.0}; }
  static Init constant(double value) { return {Kind::Constant, value}; }
  static Init uniform(double bound) { return {Kind::Uniform, bound}; }
  static Init normal(double std) { return {Kind::Normal, std}; }
};

class Parameter {
 public:
  Parameter(std::string path, Shape shape, Init init)
      : path_(std::move(path)), shape_(std::move(shape)), init_(init) {}

  const std::string& path() const { return path_; }
  const Shape& shape() const { return shape_; }
  const Init& init() const { return init_; }
  int64_t offset() const { return offset_; }  // in elements, into the flat buffers
  int64_t numel() const { return shape_.numel(); }
  bool frozen() const { return frozen_; }
  // The Var to use in forward passes (after materialize()).
  const Var& var() const { return var_; }

 private:
  friend class ParameterStore;
  std::string path_;
  Shape shape_;
  Init init_;
  int64_t offset_ = 0;
  bool frozen_ = false;
  Var var_;
};

class ParameterStore {
 public:
  ParameterStore() = default;
  ParameterStore(const ParameterStore&) = delete;
  ParameterStore& operator=(const ParameterStore&) = delete;

  // Declares a parameter; paths are unique ("rnn/layer0/fwd/w_ih"). Only before materialize().
  Parameter* declare(const std::string& path, const Shape& shape, Init init);
  // Keeps a declared parameter at the values it starts with (initialised, loaded or pretrained):
  // its Var needs no gradient, and the gradient reducer, clipping and the optimisers leave it out
  // (they cover trainable_size()). Only before materialize().
  void freeze(const std::string& path);

  // Allocates the flat buffers on `device` and initialises every parameter from the counter-based
  // RNG keyed by (seed, its path): the values depend neither on declaration order nor on the rank
  // nor on the device (they are drawn on the host and copied).
  void materialize(DType dtype, uint64_t seed, Device device = Device::cpu());
  bool materialized() const { return values_.defined(); }

  // Flat (N) buffers. Each parameter starts at a multiple of kAlignment elements; the gaps are 0.
  // The trainable parameters come first, in declaration order, then the frozen ones.
  Tensor& values() { return values_; }
  const Tensor& values() const { return values_; }
  Tensor& grads() { return grads_; }
  Device device() const { return values_.device(); }
  int64_t size() const { return size_; }
  // The elements [0, trainable_size()) of the flat buffers that hold the trainable parameters.
  int64_t trainable_size() const { return trainable_size_; }
  int64_t parameter_count() const;  // elements that belong to parameters (no gaps)

  const std::vector<std::unique_ptr<Parameter>>& parameters() const { return parameters_; }
  Parameter* find(const std::string& path) const;
  void zero_grad() { grads_.zero(); }

  static constexpr int64_t kAlignment = 16;

 private:
  std::vector<std::unique_ptr<Parameter>> parameters_;
  Tensor values_, grads_;
  int64_t size_ = 0, trainable_size_ = 0;
};

}  // namespace recur
