// The models' analytic FLOP formulas (which recur bench's fraction of peak uses) against a direct
// count: the matrix-product FLOPs the kernels were asked to do during a real forward and backward
// pass. Backward does twice the forward's products (both operands' gradients), less the gradients
// of initial states that start from zeros outside the graph (nothing flows back into them).
#include <gtest/gtest.h>

#include "autograd/ops/loss.h"
#include "kernels/matmul_flops.h"
#include "lstm_lm/lstm_lm.h"
#include "seq2seq/seq2seq.h"
#include "test_util.h"
#include "transformer/transformer.h"

namespace recur::test {
namespace {

constexpr int64_t kVocab = 13, kBatch = 3, kSource = 5, kTarget = 4;

struct Counted {
  double forward = 0, backward = 0;
};

// Counts the FLOPs of `forward` (returning logits) and of the backward pass of their loss.
template <class Forward>
Counted count_training_flops(const Tensor& targets, Forward forward) {
  Tape tape;
  const int64_t start = kernels::matmul_flops();
  const Var logits = forward(ForwardContext::for_training(tape, 1, 1, 0));
  const int64_t forward_end = kernels::matmul_flops();
  tape.backward(cross_entropy(tape, logits, targets, {}).loss);
  return {static_cast<double>(forward_end - start),
          static_cast<double>(kernels::matmul_flops() - forward_end)};
}

Seq2SeqBatch fixed_batch() {
  Seq2SeqBatch batch;
  batch.source = random_ids({kSource, kBatch}, 1, kVocab);
  batch.source_lengths = Tensor::full({kBatch}, DType::I32, static_cast<double>(kSource));
  batch.target_in = random_ids({kTarget, kBatch}, 2, kVocab);
  batch.target_out = random_ids({kTarget, kBatch}, 3, kVocab);
  batch.target_tokens = kTarget * kBatch;
  return batch;
}

// The backward products a zero initial state of `spec` saves: W_hh's input gradient at the first
// step of every layer and direction.
double zero_state_savings(const RnnStackSpec& spec) {
  const double per_sequence = static_cast<double>(
      spec.layers * spec.directions() * 2 * spec.gates() * spec.hidden_size * spec.hidden_size);
  return kBatch * per_sequence;
}

template <class Model, class Config>
void expect_translation_flops(const Config& config, double backward_savings) {
  ParameterStore store;
  const Model model(config, kVocab, kVocab, store);
  store.materialize(DType::F64, 5);
  const Seq2SeqBatch batch = fixed_batch();
  const Counted counted = count_training_flops(
      batch.target_out, [&](const ForwardContext& ctx) { return model.forward(ctx, batch); });
  EXPECT_EQ(counted.forward, kBatch * model.forward_flops(kSource, kTarget));
  EXPECT_EQ(counted.backward, 2 * counted.forward - backward_savings);
}

class LstmLmFlops : public ::testing::TestWithParam<CellType> {};

TEST_P(LstmLmFlops, FormulaMatchesTheCount) {
  LstmLmConfig config;
  config.cell = GetParam();
  config.embedding_size = 6;
  config.hidden_size = 5;
  config.layers = 2;
  ParameterStore store;
  const LstmLm model(config, kVocab, store);
  store.materialize(DType::F64, 5);
  const Tensor ids = random_ids({kTarget, kBatch}, 4, kVocab);
  const Tensor targets = random_ids({kTarget, kBatch}, 5, kVocab);
  const RnnState state = model.zero_state(kBatch, DType::F64);
  const Counted counted = count_training_flops(targets, [&](const ForwardContext& ctx) {
    return model.forward(ctx, ids, state, Tensor()).logits;
  });
  EXPECT_EQ(counted.forward, kTarget * kBatch * model.forward_flops_per_token());
  // The GRU kernel computes the initial state's gradient whether or not it is needed.
  const double savings =
      config.cell == CellType::Lstm ? zero_state_savings({config.cell, 6, 5, 2, false}) : 0.0;
  EXPECT_EQ(counted.backward, 2 * counted.forward - savings);
}

INSTANTIATE_TEST_SUITE_P(Cells, LstmLmFlops, ::testing::Values(CellType::Lstm, CellType::Gru));

struct Seq2SeqCase {
  AttentionType attention;
  bool input_feeding;
  BridgeType bridge;
};

class Seq2SeqFlops : public ::testing::TestWithParam<Seq2SeqCase> {};

TEST_P(Seq2SeqFlops, FormulaMatchesTheCount) {
  Seq2SeqConfig config;
  config.embedding_size = 6;
  config.encoder_layers = 2;
  config.encoder_hidden = 4;
  config.bidirectional = true;
  config.decoder_layers = 2;
  config.decoder_hidden = 8;  // the encoder's output size, as Luong dot needs
  config.attention = GetParam().attention;
  config.input_feeding = GetParam().input_feeding;
  config.bridge = GetParam().bridge;
  // The encoder starts from zeros; so does the decoder without a bridge, and Bahdanau's first
  // query is projected from its zero top state.
  const RnnStackSpec encoder{config.cell, 6, 4, 2, true};
  const RnnStackSpec decoder{config.cell, 1, 8, 2, false};
  double savings = zero_state_savings(encoder);
  if (config.bridge == BridgeType::Zeros) savings += zero_state_savings(decoder);
  if (config.bridge == BridgeType::Zeros && config.attention == AttentionType::Bahdanau)
    savings += kBatch * 2.0 * 8 * 8;
  expect_translation_flops<Seq2Seq>(config, savings);
}

INSTANTIATE_TEST_SUITE_P(
    Attentions, Seq2SeqFlops,
    ::testing::Values(Seq2SeqCase{AttentionType::LuongGeneral, true, BridgeType::Zeros},
                      Seq2SeqCase{AttentionType::LuongDot, false, BridgeType::Dense},
                      Seq2SeqCase{AttentionType::LuongConcat, true, BridgeType::Dense},
                      Seq2SeqCase{AttentionType::Bahdanau, false, BridgeType::Zeros},
                      Seq2SeqCase{AttentionType::LuongLocalP, true, BridgeType::Dense},
                      Seq2SeqCase{AttentionType::None, false, BridgeType::Dense}));

TEST(TransformerFlops, FormulaMatchesTheCount) {
  TransformerConfig config;
  config.model_size = 8;
  config.heads = 2;
  config.feed_forward_size = 12;
  config.encoder_layers = 2;
  config.decoder_layers = 1;
  expect_translation_flops<Transformer>(config, 0.0);
}

}  // namespace
}  // namespace recur::test
