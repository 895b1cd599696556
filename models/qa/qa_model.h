// What question-answering training, evaluation and pictures need of a model, whichever
// architecture it is (the Dynamic Memory Network today).
#pragma once

#include <vector>

#include "model.h"
#include "nn/context.h"
#include "qa/qa_batch.h"

namespace recur {

class QaModel : public Model {
 public:
  struct Output {
    Var logits;                     // (B, V): the answer word
    std::vector<Tensor> attention;  // per pass over the facts, (B, F) (none for a model without)
  };
  virtual Output forward(const ForwardContext& ctx, const QaBatch& batch) const = 0;
};

}  // namespace recur
