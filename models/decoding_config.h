// The decoding section: how a model that generates sentences (a translation model) searches for
// them, in recur translate, recur eval and the test evaluation at the end of training.
#pragma once

#include "config/visitor.h"

namespace recur {

struct DecodingConfig {
  int64_t beam_size = 5;
  double length_penalty = 1.0;    // hypotheses are ranked by log p / length^length_penalty
  double max_length_ratio = 2.0;  // at most this many target tokens per source token (+ 10)

  void describe(ConfigVisitor& v);
};

}  // namespace recur
