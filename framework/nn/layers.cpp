#include "nn/layers.h"

#include <cmath>

#include "autograd/ops/embedding.h"
#include "autograd/ops/linear.h"

namespace recur {

Linear::Linear(ParameterStore& store, const std::string& path, int64_t in, int64_t out, bool bias) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(in));
  weight_ = store.declare(path + "/weight", {out, in}, Init::uniform(bound));
  if (bias) bias_ = store.declare(path + "/bias", {out}, Init::uniform(bound));
}

Linear::Linear(ParameterStore& store, const std::string& path, Parameter* weight, bool bias)
    : weight_(weight) {
  if (bias) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(weight->shape()[1]));
    bias_ = store.declare(path + "/bias", {weight->shape()[0]}, Init::uniform(bound));
  }
}

Var Linear::forward(Tape& tape, const Var& x) const {
  return linear(tape, x, weight_->var(), bias_ ? bias_->var() : Var());
}

Embedding::Embedding(ParameterStore& store, const std::string& path, int64_t vocab, int64_t dim,
                     double std) {
  weight_ = store.declare(path + "/weight", {vocab, dim}, Init::normal(std));
}

Var Embedding::forward(Tape& tape, const Tensor& ids) const {
  return embedding(tape, weight_->var(), ids);
}

}  // namespace recur
