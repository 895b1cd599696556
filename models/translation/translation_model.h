// What training, decoding and evaluation need of an encoder-decoder, whichever architecture it
// is: Seq2Seq (recurrent with attention) and Transformer implement it, so one task, one beam
// search and one translator serve both.
#pragma once

#include <memory>
#include <vector>

#include "data/parallel_corpus.h"
#include "model.h"
#include "nn/context.h"

namespace recur {

struct DecoderStep {
  Var output;        // (B, D): what the output layer reads
  Tensor attention;  // (B, S): alignment over the source; undefined for a model without attention
};

// A batch of source sentences being decoded one target position at a time. Rows are hypotheses.
class IncrementalDecoder {
 public:
  virtual ~IncrementalDecoder() = default;
  // Target position `position` of every row: `tokens` (B) are the previous target tokens.
  virtual DecoderStep step(const Tensor& tokens, int64_t position) = 0;
  // Row i continues the hypothesis of row rows[i]; rows[i] must read the same source sentence.
  virtual void reorder(const std::vector<int64_t>& rows) = 0;
};

class TranslationModel : public Model {
 public:
  // Teacher forcing over a batch: logits (T * B, target vocabulary), rows time-major.
  virtual Var forward(const ForwardContext& ctx, const Seq2SeqBatch& batch) const = 0;
  // (..., D) -> (..., target vocabulary)
  virtual Var logits(const ForwardContext& ctx, const Var& outputs) const = 0;
  // Encodes `source` (S, B) i32 with `lengths` (B) and starts decoding; decoder row i reads
  // source sentence rows[i] (a beam repeats each sentence). `ctx` must outlive the decoder.
  virtual std::unique_ptr<IncrementalDecoder> start_decoding(
      const ForwardContext& ctx, const Tensor& source, const Tensor& lengths,
      const std::vector<int64_t>& rows) const = 0;

  virtual bool reverses_source() const = 0;  // reads the source back to front
  virtual bool has_attention() const = 0;    // DecoderStep::attention is defined
  virtual double label_smoothing() const = 0;
};

// Rows `rows` of a tensor whose first dimension is the batch (a copy).
Tensor select_rows(const Tensor& t, const std::vector<int64_t>& rows);
// The same for a value without history; an undefined Var stays undefined.
Var select_rows(const Var& v, const std::vector<int64_t>& rows);

}  // namespace recur
