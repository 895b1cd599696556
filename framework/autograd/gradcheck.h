// Finite-difference gradient checker (f64, central differences).
//
// The function under test maps input Vars to output Vars on a tape. The checker reduces the
// outputs to one scalar L = sum_k <out_k, R_k> with fixed random R_k, takes dL/dinput from the
// tape, and compares every element with (L(x + eps) - L(x - eps)) / (2 eps) by
//   |analytic - numeric| / max(|analytic|, |numeric|, floor) <= tolerance.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "autograd/tape.h"

namespace recur {

using GradFunction = std::function<std::vector<Var>(Tape&, const std::vector<Var>&)>;

struct GradCheckOptions {
  double eps = 1e-5;
  double tolerance = 1e-6;
  double floor = 1e-3;
  uint64_t seed = 1234;
};

struct GradCheckResult {
  bool ok = true;
  double max_error = 0.0;  // largest relative error seen
  int64_t checked = 0;     // elements compared
  std::string worst;       // where the largest error was, with both values
};

// Checks every element of every input that requires grad. Inputs must be f64.
GradCheckResult gradcheck(const GradFunction& fn, const std::vector<Var>& inputs,
                          const GradCheckOptions& options = {});

}  // namespace recur
