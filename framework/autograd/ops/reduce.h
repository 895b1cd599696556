// Reductions to a scalar.
#pragma once

#include "autograd/tape.h"

namespace recur {

Var sum(Tape& tape, const Var& x);   // shape (1)
Var mean(Tape& tape, const Var& x);  // shape (1)

}  // namespace recur
