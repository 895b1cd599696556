// Ops that move elements without arithmetic: reshape, concat, slice.
#pragma once

#include <vector>

#include "autograd/tape.h"

namespace recur {

// Same elements, new shape (a view; gradients flow through unchanged).
Var reshape(Tape& tape, const Var& x, const Shape& shape);
// Joins along `axis` (negative counts from the end); other dimensions must agree.
Var concat(Tape& tape, const std::vector<Var>& parts, int axis);
// Elements [begin, end) along `axis`.
Var slice(Tape& tape, const Var& x, int axis, int64_t begin, int64_t end);
// (A, B, ...) -> (B, A, ...): time-major to batch-major and back.
Var swap_leading(Tape& tape, const Var& x);

}  // namespace recur
