// What language-model training, evaluation and sampling need of a model, whichever architecture it
// is: LstmLm carries its recurrent state from one window to the next; TransformerLm reads one
// window of context at a time and carries nothing.
#pragma once

#include "model.h"
#include "nn/context.h"
#include "nn/rnn_stack.h"

namespace recur {

class LanguageModel : public Model {
 public:
  struct Output {
    Var logits;      // (T * B, V), rows time-major
    RnnState state;  // the state after the window (empty for a model without state)
  };
  // ids (T, B) i32; `state`: carried in from the previous window, or empty for the model's initial
  // state; keep (T, B) on the host resets it where a document starts (optional).
  virtual Output forward(const ForwardContext& ctx, const Tensor& ids, const RnnState& state,
                         const Tensor& keep) const = 0;
  virtual RnnState zero_state(int64_t batch, DType dtype) const = 0;

  // The carried state: state_layers() layers of h (and c when state_has_cell()), each
  // (B, state_size()). A model without state has 0 layers.
  virtual int64_t state_layers() const = 0;
  virtual int64_t state_size() const = 0;
  virtual bool state_has_cell() const = 0;
  // The longest window the model reads at once (0: no limit).
  virtual int64_t context_limit() const = 0;
};

}  // namespace recur
