// Element-wise ops and activations.
#pragma once

#include "autograd/tape.h"

namespace recur {

Var add(Tape& tape, const Var& a, const Var& b);  // same shapes
Var mul(Tape& tape, const Var& a, const Var& b);  // same shapes
// x (..., n) + bias (n), broadcast over all leading dimensions.
Var add_bias(Tape& tape, const Var& x, const Var& bias);
Var scale(Tape& tape, const Var& x, double factor);

Var sigmoid(Tape& tape, const Var& x);
Var tanh(Tape& tape, const Var& x);
Var relu(Tape& tape, const Var& x);

}  // namespace recur
