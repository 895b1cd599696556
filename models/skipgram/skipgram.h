// Skip-gram with negative sampling (Mikolov et al. 2013, word2vec): a centre word's input vector
// scores the words around it against noise words through their output vectors.
//
// Parameter paths: embedding/weight (V, D), the word vectors recur export-embeddings writes;
// context/weight (V, D), the output vectors.
#pragma once

#include "embedding/word_vector_model.h"
#include "nn/parameters.h"
#include "skipgram/skipgram_config.h"

namespace recur {

class SkipGram final : public WordVectorModel {
 public:
  SkipGram(const SkipGramConfig& config, int64_t vocab_size, ParameterStore& store);

  const ContextSampling& sampling() const override { return config_.sampling; }
  // -log sigmoid(<v_centre, u_context>) - sum over noise of log sigmoid(-<v_centre, u_noise>)
  NegativeSamplingResult loss(Tape& tape, const ContextBatch& batch,
                              double normalizer) const override;

 private:
  SkipGramConfig config_;
  Parameter* input_;   // embedding/weight
  Parameter* output_;  // context/weight
};

}  // namespace recur
