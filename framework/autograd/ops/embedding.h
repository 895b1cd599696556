// Embedding lookup with sparse gradient accumulation.
#pragma once

#include "autograd/tape.h"

namespace recur {

// weight (V, E), ids i32 of any shape S -> (S..., E). The backward pass adds into the rows of
// weight's gradient that the ids name, and touches no other row.
Var embedding(Tape& tape, const Var& weight, const Tensor& ids);

}  // namespace recur
