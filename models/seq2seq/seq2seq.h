// Sequence to sequence with attention: embeddings -> deep (bi)LSTM/GRU encoder -> bridge ->
// LSTM/GRU decoder with Bahdanau or Luong attention, global or local (optionally input feeding) ->
// output layer.
//
// Parameter paths: source_embedding/weight, target_embedding/weight, encoder/layer{l}/{fwd,bwd}/*,
// bridge/{h,c}/layer{l}/*, decoder/layer{l}/fwd/*, attention/{w_a, w_q, w_k, v, w_c, w_p, v_p},
// output/*.
#pragma once

#include <memory>
#include <optional>

#include "autograd/ops/attention.h"
#include "data/parallel_corpus.h"
#include "nn/context.h"
#include "nn/layers.h"
#include "nn/rnn_stack.h"
#include "seq2seq/seq2seq_config.h"
#include "translation/translation_model.h"

namespace recur {

class Seq2Seq final : public TranslationModel {
 public:
  Seq2Seq(const Seq2SeqConfig& config, int64_t source_vocab, int64_t target_vocab,
          ParameterStore& store);

  // The encoded source, batch-major for attention.
  struct Memory {
    Var values;        // (B, S, encoder output size)
    Var keys;          // (B, S, D): projected for general, concat and Bahdanau; values for dot
    Tensor lengths;    // (B) i32
    Tensor sizes;      // luong_local_p: (B) the lengths in the model's dtype (S of p_t)
    RnnState initial;  // the decoder's initial state
  };
  // source (S, B) i32, lengths (B).
  Memory encode(const ForwardContext& ctx, const Tensor& source, const Tensor& lengths) const;

  struct DecoderState {
    RnnState rnn;
    Var feed;  // (B, decoder_hidden): the previous attentional vector (input feeding)
  };
  DecoderState start(const Memory& memory) const;

  using Step = DecoderStep;  // output (B, decoder_hidden)
  // Target position `position` for every row: `tokens` (B) are the previous target tokens.
  Step step(const ForwardContext& ctx, const Memory& memory, const Tensor& tokens,
            DecoderState& state, int64_t position) const;
  // Local attention's window for the top decoder state `top` (B, H) at target `position`; none
  // for global attention.
  LocalWindow local_window(Tape& tape, const Memory& memory, const Var& top,
                           int64_t position) const;

  // (T, B, decoder_hidden) or (B, decoder_hidden) -> the same with the target vocabulary last
  Var logits(const ForwardContext& ctx, const Var& outputs) const override;
  // Teacher forcing over a batch: logits (T * B, target vocabulary), rows time-major.
  Var forward(const ForwardContext& ctx, const Seq2SeqBatch& batch) const override;

  std::unique_ptr<IncrementalDecoder> start_decoding(
      const ForwardContext& ctx, const Tensor& source, const Tensor& lengths,
      const std::vector<int64_t>& rows) const override;
  bool reverses_source() const override { return config_.reverse_source; }
  bool has_attention() const override { return config_.attention != AttentionType::None; }
  double label_smoothing() const override { return config_.label_smoothing; }

  const Seq2SeqConfig& config() const { return config_; }
  // Matrix-product FLOPs of forward (teacher forcing) over one sentence pair of these lengths.
  double forward_flops(int64_t source_length, int64_t target_length) const;

 private:
  Seq2SeqConfig config_;
  int64_t decoder_input_;
  Embedding source_embedding_, target_embedding_;
  RnnStack encoder_, decoder_;
  std::vector<Linear> bridge_h_, bridge_c_;
  std::optional<Linear> keys_, query_, combine_;  // W_a or W_k; W_q; W_c
  Parameter* v_ = nullptr;
  std::optional<Linear> predict_hidden_, predict_position_;  // luong_local_p: W_p, v_p
  Linear output_;
};

}  // namespace recur
