// Linear and Embedding layers.
#pragma once

#include <string>

#include "autograd/tape.h"
#include "nn/parameters.h"

namespace recur {

class Linear {
 public:
  // weight (out, in) and bias (out), both Uniform(-1/sqrt(in), 1/sqrt(in)) as in PyTorch.
  Linear(ParameterStore& store, const std::string& path, int64_t in, int64_t out, bool bias = true);
  // Uses `weight` (out, in), owned elsewhere (tied embeddings), with a bias of its own.
  Linear(ParameterStore& store, const std::string& path, Parameter* weight, bool bias = true);

  // x (..., in) -> (..., out)
  Var forward(Tape& tape, const Var& x) const;
  Parameter* weight() const { return weight_; }
  // Matrix-product FLOPs of forward per row of x: 2 in out.
  double forward_flops_per_row() const { return 2.0 * static_cast<double>(weight_->numel()); }

 private:
  Parameter* weight_;
  Parameter* bias_ = nullptr;
};

class Embedding {
 public:
  // weight (vocab, dim), Normal(0, std): std 1 as in PyTorch.
  Embedding(ParameterStore& store, const std::string& path, int64_t vocab, int64_t dim,
            double std = 1.0);
  // An embedding that shares another's weight (one parameter, gradients summed).
  explicit Embedding(Parameter* shared) : weight_(shared) {}

  // ids i32 (...) -> (..., dim)
  Var forward(Tape& tape, const Tensor& ids) const;
  Parameter* weight() const { return weight_; }

 private:
  Parameter* weight_;
};

}  // namespace recur
