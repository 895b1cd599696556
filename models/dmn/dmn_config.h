// Configuration of the Dynamic Memory Network (model.type dmn).
#pragma once

#include "config/visitor.h"

namespace recur {

struct DmnConfig {
  int64_t embedding_size = 80;
  int64_t hidden_size = 80;  // facts, question and memory; even (the fusion layer's two halves)
  int64_t passes = 3;        // episodes over the facts
  double dropout = 0.1;      // on the question's words and the fact vectors

  void describe(ConfigVisitor& v);
  void check(ConfigChecker& c) const;
};

}  // namespace recur
