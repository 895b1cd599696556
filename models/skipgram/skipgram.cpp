#include "skipgram/skipgram.h"

#include "autograd/ops/embedding.h"

namespace recur {

// word2vec's initialisation: input vectors uniform in +-0.5 / D, output vectors zero.
SkipGram::SkipGram(const SkipGramConfig& config, int64_t vocab_size, ParameterStore& store)
    : config_(config),
      input_(store.declare("embedding/weight", {vocab_size, config.embedding_size},
                           Init::uniform(0.5 / static_cast<double>(config.embedding_size)))),
      output_(store.declare("context/weight", {vocab_size, config.embedding_size}, Init::zeros())) {
}

NegativeSamplingResult SkipGram::loss(Tape& tape, const ContextBatch& batch,
                                      double normalizer) const {
  const Var v = embedding(tape, input_->var(), batch.centres);      // (B, D)
  const Var u = embedding(tape, output_->var(), batch.candidates);  // (B, C, S, D)
  return negative_sampling_loss(tape, v, u, batch.weights, normalizer);
}

}  // namespace recur
