#include "autograd/gradcheck.h"

#include <cmath>

#include "core/rng.h"

namespace recur {

namespace {

std::vector<Tensor> random_projections(const std::vector<Var>& outputs, uint64_t seed) {
  std::vector<Tensor> r;
  for (size_t k = 0; k < outputs.size(); ++k) {
    RECUR_CHECK(outputs[k].dtype() == DType::F64, "gradcheck: output ", k, " is not f64");
    RandomStream stream(seed, RngPurpose::Test, k);
    Tensor t = Tensor::empty(outputs[k].shape(), DType::F64);
    double* p = t.data<double>();
    for (int64_t i = 0; i < t.numel(); ++i)
      p[i] = stream.normal(0, static_cast<uint64_t>(i));
    r.push_back(t);
  }
  return r;
}

double projected(const GradFunction& fn, const std::vector<Var>& inputs,
                 const std::vector<Tensor>& projections) {
  Tape tape(false);
  std::vector<Var> outputs = fn(tape, inputs);
  long double total = 0.0;  // extra precision: the difference of two such sums is taken
  for (size_t k = 0; k < outputs.size(); ++k) {
    const double* o = outputs[k].value().data<double>();
    const double* r = projections[k].data<double>();
    for (int64_t i = 0; i < projections[k].numel(); ++i)
      total += static_cast<long double>(o[i]) * r[i];
  }
  return static_cast<double>(total);
}

}  // namespace

GradCheckResult gradcheck(const GradFunction& fn, const std::vector<Var>& inputs,
                          const GradCheckOptions& options) {
  std::vector<Tensor> analytic(inputs.size());
  std::vector<Tensor> projections;
  for (const Var& v : inputs)
    v.zero_grad();
  {
    Tape tape;
    std::vector<Var> outputs = fn(tape, inputs);
    projections = random_projections(outputs, options.seed);
    std::vector<Var> roots;
    std::vector<Tensor> seeds;
    for (size_t k = 0; k < outputs.size(); ++k) {
      if (!outputs[k].requires_grad()) continue;
      roots.push_back(outputs[k]);
      seeds.push_back(projections[k]);
    }
    tape.backward(roots, seeds);
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (!inputs[i].requires_grad()) continue;
      RECUR_CHECK(inputs[i].dtype() == DType::F64, "gradcheck: input ", i, " is not f64");
      analytic[i] = inputs[i].has_grad() ? inputs[i].grad().clone()
                                         : Tensor::zeros(inputs[i].shape(), DType::F64);
    }
  }

  GradCheckResult result;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].requires_grad()) continue;
    Tensor value = inputs[i].value();
    double* x = value.data<double>();
    const double* a = analytic[i].data<double>();
    for (int64_t j = 0; j < value.numel(); ++j) {
      const double saved = x[j];
      x[j] = saved + options.eps;
      const double plus = projected(fn, inputs, projections);
      x[j] = saved - options.eps;
      const double minus = projected(fn, inputs, projections);
      x[j] = saved;
      const double numeric = (plus - minus) / (2.0 * options.eps);
      const double scale = std::max({std::fabs(a[j]), std::fabs(numeric), options.floor});
      const double error = std::fabs(a[j] - numeric) / scale;
      result.checked += 1;
      if (error > result.max_error || std::isnan(error)) {
        result.max_error = std::isnan(error) ? INFINITY : error;
        result.worst =
            concat("input ", i, " element ", j, ": analytic ", a[j], ", numeric ", numeric);
      }
    }
  }
  result.ok = result.max_error <= options.tolerance;
  return result;
}

}  // namespace recur
