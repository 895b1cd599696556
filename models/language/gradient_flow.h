// How far back a recurrent language model's loss reaches: the norm of dL_T / dh_t, the gradient of
// the loss of the prediction made after step T with respect to the top layer's hidden state t
// steps earlier, against the distance T - t. Vanishing gradients (Bengio et al. 1994; Pascanu et
// al. 2013) show as a norm that falls exponentially with the distance; `recur analyze gradients`
// draws it for trained and fresh models.
#pragma once

#include <vector>

#include "data/text_corpus.h"
#include "language/language_model.h"

namespace recur {

struct GradientFlowOptions {
  int64_t window = 100;    // T: the inputs the model reads before the loss
  int64_t sequences = 32;  // windows taken from the text at evenly spaced offsets
};

// [k - 1], for the distance k = 1 .. T - 1: the mean over the windows of ||dL_T / dh_{T-k}||, with
// L_T each window's own loss (cross-entropy) of its token T + 1 and h the top layer's state, from
// the model's initial state (zeros, or learned ones). (At distance 0 the loss reads the layer's
// output, not its carried state.) Throws Error for a model without recurrent state or a text
// shorter than T + 1 tokens.
std::vector<double> gradient_flow(const LanguageModel& model, const TokenSequence& tokens,
                                  const GradientFlowOptions& options);

}  // namespace recur
