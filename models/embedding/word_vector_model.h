// What training word vectors needs of a model, whichever objective it is (skip-gram today): the
// way its examples are drawn, and the loss of a batch of them.
#pragma once

#include "autograd/ops/negative_sampling.h"
#include "embedding/context_sampler.h"
#include "model.h"

namespace recur {

class WordVectorModel : public Model {
 public:
  virtual const ContextSampling& sampling() const = 0;
  // The loss of a batch (ContextSampler::batch); `normalizer` as negative_sampling_loss's.
  virtual NegativeSamplingResult loss(Tape& tape, const ContextBatch& batch,
                                      double normalizer) const = 0;
};

}  // namespace recur
