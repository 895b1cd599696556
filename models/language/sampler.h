// Text generation from a trained language model.
#pragma once

#include <string>

#include "data/vocab.h"
#include "language/language_model.h"

namespace recur {

struct SampleOptions {
  int64_t tokens = 500;      // tokens to generate
  double temperature = 1.0;  // < 1: more conservative, > 1: more varied
  std::string prime;         // text the model reads first; the sample starts with it
  uint64_t seed = 1;
};

// Starts a document (<bos>), reads the prime, then draws tokens one by one from
// softmax(logits / temperature). <eos> is a line break; other special tokens are never drawn.
// A recurrent model reads each new token with its carried state; a model without state rereads
// the last context_limit() tokens for every draw.
std::string sample_text(const LanguageModel& model, const Vocab& vocab, DType dtype,
                        const SampleOptions& options);

}  // namespace recur
