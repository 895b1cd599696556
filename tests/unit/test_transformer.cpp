// The transformer encoder-decoder: f64 gradient checks of the whole model over a padded batch
// (pre- and post-norm, sinusoidal and learned positions, tied and untied output), incremental
// decoding with the key/value cache against the full decoder, and padding that does not leak.
#include "autograd/ops/loss.h"
#include "data/vocab.h"
#include "test_util.h"
#include "transformer/transformer.h"

namespace recur::test {
namespace {

TransformerConfig tiny_config() {
  TransformerConfig c;
  c.model_size = 4;
  c.heads = 2;
  c.feed_forward_size = 6;
  c.encoder_layers = 2;
  c.decoder_layers = 2;
  c.dropout = 0.2;
  c.max_positions = 8;
  c.label_smoothing = 0.1;
  return c;
}

struct Variant {
  const char* name;
  bool pre_norm;
  PositionType positions;
  bool tie_embeddings;
  bool share_embeddings = false;
};

// gtest prints a case by its name in test listings (not as a byte dump).
void PrintTo(const Variant& c, std::ostream* out) {
  *out << c.name;
}

class TransformerGradcheck : public ::testing::TestWithParam<Variant> {};

TEST_P(TransformerGradcheck, WholeModelOverAPaddedBatch) {
  TransformerConfig c = tiny_config();
  c.pre_norm = GetParam().pre_norm;
  c.positions = GetParam().positions;
  c.tie_embeddings = GetParam().tie_embeddings;
  c.share_embeddings = GetParam().share_embeddings;
  ParameterStore store;
  Transformer model(c, 10, 10, store);
  store.materialize(DType::F64, 2);
  const Seq2SeqBatch batch = make_batch(tiny_parallel_data(), {0, 1, 2}, false);
  std::vector<Var> params;
  for (const auto& p : store.parameters())
    params.push_back(p->var());
  expect_gradients_match(
      [&](Tape& tape, const std::vector<Var>&) {
        ForwardContext ctx = ForwardContext::for_training(tape, 5, 3, 0);  // dropout on
        Var logits = model.forward(ctx, batch);
        return std::vector<Var>{
            cross_entropy(tape, logits, batch.target_out, {-1, c.label_smoothing}).loss};
      },
      params);
}

INSTANTIATE_TEST_SUITE_P(
    Norms, TransformerGradcheck,
    ::testing::Values(Variant{"pre_norm_sinusoidal_tied", true, PositionType::Sinusoidal, true},
                      Variant{"post_norm_learned_untied", false, PositionType::Learned, false},
                      Variant{"pre_norm_shared_and_tied", true, PositionType::Sinusoidal, true,
                              true}),
    [](const auto& test) { return std::string(test.param.name); });

TEST(Transformer, SharedEmbeddingsAreOneMatrixForOneVocabulary) {
  TransformerConfig c = tiny_config();
  ParameterStore separate, shared;
  Transformer unshared_model(c, 10, 10, separate);
  c.share_embeddings = true;
  Transformer shared_model(c, 10, 10, shared);
  EXPECT_EQ(shared.parameters().size() + 1, separate.parameters().size());
  ParameterStore mismatched;
  try {
    Transformer model(c, 10, 12, mismatched);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "model.share_embeddings: the source vocabulary has 10 tokens, the target "
                 "vocabulary 12 (set data.joint_vocab: true)");
  }
}

// Runs the decoder step by step on the batch's own target inputs (teacher forcing) and returns
// the logits in forward()'s layout (T * B, V).
Tensor stepwise_logits(const Transformer& model, const ForwardContext& ctx,
                       const Seq2SeqBatch& batch) {
  const Transformer::Memory memory = model.encode(ctx, batch.source, batch.source_lengths);
  Transformer::DecoderState state = model.start(ctx, memory);
  const int64_t steps = batch.target_in.dim(0), rows = batch.target_in.dim(1);
  std::vector<Var> outputs;
  for (int64_t t = 0; t < steps; ++t) {
    const Tensor tokens = batch.target_in.slice_rows(t, t + 1).reshape({rows});
    outputs.push_back(model.logits(ctx, model.step(ctx, memory, tokens, state, t).output));
  }
  return concat(ctx.tape, outputs, 0).value();
}

TEST(Transformer, IncrementalDecodingMatchesTheFullDecoder) {
  for (bool training : {false, true}) {  // training: the same dropout masks too
    for (bool pre_norm : {true, false}) {
      SCOPED_TRACE(testing::Message() << "training " << training << ", pre-norm " << pre_norm);
      TransformerConfig c = tiny_config();
      c.pre_norm = pre_norm;
      ParameterStore store;
      Transformer model(c, 10, 10, store);
      store.materialize(DType::F64, 3);
      const Seq2SeqBatch batch = make_batch(tiny_parallel_data(), {0, 1, 2}, false);
      Tape tape(false);
      const ForwardContext ctx = training ? ForwardContext::for_training(tape, 7, 1, 0)
                                          : ForwardContext::for_inference(tape);
      const Tensor full = model.forward(ctx, batch).value();
      const Tensor stepwise = stepwise_logits(model, ctx, batch);
      ASSERT_EQ(full.shape(), stepwise.shape());
      EXPECT_LT(relative_difference(stepwise, full), 1e-12);
    }
  }
}

TEST(Transformer, PaddingDoesNotLeakIntoOtherRows) {
  ParameterStore store;
  Transformer model(tiny_config(), 10, 10, store);
  store.materialize(DType::F64, 4);
  const ParallelData data = tiny_parallel_data();
  Tape tape(false);
  ForwardContext ctx = ForwardContext::for_inference(tape);
  const Tensor logits = model.forward(ctx, make_batch(data, {0, 1, 2}, false)).value();
  for (int64_t row = 0; row < 3; ++row) {
    const Seq2SeqBatch alone = make_batch(data, {row}, false);
    const Tensor single = model.forward(ctx, alone).value();  // (T_row, V)
    for (int64_t t = 0; t < alone.target_in.dim(0); ++t) {
      for (int64_t v = 0; v < 10; ++v) {
        EXPECT_NEAR(single.item(t * 10 + v), logits.item((t * 3 + row) * 10 + v), 1e-12)
            << "row " << row << ", position " << t;
      }
    }
  }
}

TEST(Transformer, CrossAttentionSkipsPaddingAndSumsToOne) {
  ParameterStore store;
  Transformer model(tiny_config(), 10, 10, store);
  store.materialize(DType::F64, 4);
  const Seq2SeqBatch batch = make_batch(tiny_parallel_data(), {0, 1, 2}, false);
  Tape tape(false);
  ForwardContext ctx = ForwardContext::for_inference(tape);
  const Transformer::Memory memory = model.encode(ctx, batch.source, batch.source_lengths);
  Transformer::DecoderState state = model.start(ctx, memory);
  const Tensor bos = Tensor::full({3}, DType::I32, Vocab::kBos);
  const Tensor w = model.step(ctx, memory, bos, state, 0).attention;  // (3, S = 4)
  const std::vector<int32_t> lengths = {4, 2, 3};
  for (int64_t b = 0; b < 3; ++b) {
    double sum = 0;
    for (int64_t s = 0; s < 4; ++s) {
      if (s >= lengths[static_cast<size_t>(b)]) {
        EXPECT_EQ(w.item(b * 4 + s), 0.0);
      }
      sum += w.item(b * 4 + s);
    }
    EXPECT_NEAR(sum, 1.0, 1e-12);
  }
}

TEST(Transformer, LearnedPositionsRejectLongerSequences) {
  TransformerConfig c = tiny_config();
  c.positions = PositionType::Learned;
  c.max_positions = 3;
  ParameterStore store;
  Transformer model(c, 10, 10, store);
  store.materialize(DType::F64, 4);
  Tape tape(false);
  ForwardContext ctx = ForwardContext::for_inference(tape);
  const Seq2SeqBatch batch = make_batch(tiny_parallel_data(), {0}, false);  // 4 source tokens
  try {
    model.forward(ctx, batch);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "a sequence of 4 tokens is longer than model.max_positions (3)");
  }
}

}  // namespace
}  // namespace recur::test
