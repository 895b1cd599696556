// Matrix products.
#pragma once

#include "autograd/tape.h"

namespace recur {

// op(a) (m, k) times op(b) (k, n) -> (m, n), where op transposes when asked.
Var matmul(Tape& tape, const Var& a, const Var& b, bool trans_a = false, bool trans_b = false);

// x (..., in) times weight (out, in) transposed, plus bias (out) if defined -> (..., out).
Var linear(Tape& tape, const Var& x, const Var& weight, const Var& bias);

}  // namespace recur
