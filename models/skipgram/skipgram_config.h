// Configuration of skip-gram with negative sampling (model.type skipgram).
#pragma once

#include "config/visitor.h"
#include "embedding/context_sampler.h"

namespace recur {

struct SkipGramConfig {
  int64_t embedding_size = 100;
  ContextSampling sampling;  // window, negatives, noise_power, subsample

  void describe(ConfigVisitor& v);
};

}  // namespace recur
