// Dynamic Memory Network for question answering (Kumar et al. 2016), in the DMN+ form of Xiong et
// al. 2016: soft attention over the facts, an untied ReLU memory update per pass. One difference:
// the input fusion layer's two directions have H/2 each and are concatenated, where DMN+ adds two
// of size H.
//
//   input module     a GRU reads each fact's words; its last state is the fact's vector, and a
//                    bidirectional GRU over the facts (input fusion) lets facts see each other
//   question module  a GRU reads the question: q
//   episodic memory  m_0 = q; pass t scores every fact from z = [f*q, f*m, |f-q|, |f-m|] as
//                    w^T tanh(W z + b) (a softmax over the story's facts: the gates), c_t the
//                    gated sum of the facts, m_t = ReLU(U_t [m_{t-1}; c_t; q] + b_t)
//   answer module    one word: a linear layer over [m_T; q]
//
// Parameter paths: embedding/weight (V, E); input/words, input/fusion and question (GRU stacks,
// rnn/ layouts); memory/gate_hidden (H, 4H) and memory/gate_score (H); memory/update{t} (H, 3H);
// answer (V, 2H).
#pragma once

#include "dmn/dmn_config.h"
#include "nn/layers.h"
#include "nn/rnn_stack.h"
#include "qa/qa_model.h"

namespace recur {

class Dmn final : public QaModel {
 public:
  Dmn(const DmnConfig& config, int64_t vocab_size, ParameterStore& store);

  Output forward(const ForwardContext& ctx, const QaBatch& batch) const override;

  // The facts of each story, (B, F, H), 0 beyond a story's facts.
  Var read_facts(const ForwardContext& ctx, const QaBatch& batch) const;
  // The question vector q, (B, H).
  Var read_question(const ForwardContext& ctx, const QaBatch& batch) const;
  // The gates of one pass and its context: attention over `facts` (B, F, H) given the question
  // and the memory (B, H).
  struct Episode {
    Var context;   // (B, H)
    Tensor gates;  // (B, F)
  };
  Episode episode(Tape& tape, const Var& facts, const Var& question, const Var& memory,
                  const QaBatch& batch) const;
  // m_t from m_{t-1}, the pass's context and q.
  Var update_memory(Tape& tape, int64_t pass, const Var& memory, const Var& context,
                    const Var& question) const;

 private:
  DmnConfig config_;
  Embedding embedding_;
  RnnStack words_, fusion_, question_;
  Linear gate_hidden_;
  Parameter* gate_score_;
  std::vector<Linear> updates_;
  Linear answer_;
};

}  // namespace recur
