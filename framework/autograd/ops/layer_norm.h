// Layer normalisation over the last dimension, one fused op with a hand-written backward (see
// kernels/cpu/layer_norm.h for the formulas).
#pragma once

#include "autograd/tape.h"

namespace recur {

// x (..., D), gain (D), bias (D) -> (..., D).
Var layer_norm(Tape& tape, const Var& x, const Var& gain, const Var& bias, double eps = 1e-5);

}  // namespace recur
