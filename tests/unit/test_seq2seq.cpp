// The sequence-to-sequence model: f64 gradient checks of the whole encoder-decoder over a padded
// batch for every attention variant, padding that does not leak, attention weights.
#include "autograd/ops/loss.h"
#include "seq2seq/seq2seq.h"
#include "test_util.h"

namespace recur::test {
namespace {

Seq2SeqConfig tiny_config(AttentionType attention, bool feeding) {
  Seq2SeqConfig c;
  c.embedding_size = 3;
  c.encoder_layers = 2;
  c.encoder_hidden = 2;
  c.decoder_layers = 2;
  c.decoder_hidden = 4;  // = encoder output (2 directions x 2), as luong_dot needs
  c.dropout = 0.2;
  c.attention = attention;
  c.input_feeding = feeding;
  c.label_smoothing = 0.1;
  return c;
}

struct Variant {
  const char* name;
  AttentionType attention;
  bool feeding;
  CellType cell;
};

// gtest prints a case by its name in test listings (not as a byte dump).
void PrintTo(const Variant& c, std::ostream* out) {
  *out << c.name;
}

// The gradients of every parameter of the model of `c` over a padded batch. Learned initial states
// start at zero; they are moved away from it first.
void check_whole_model(const Seq2SeqConfig& c) {
  ParameterStore store;
  Seq2Seq model(c, 10, 10, store);
  store.materialize(DType::F64, 2);
  for (const auto& p : store.parameters()) {
    Tensor value = p->var().value();
    if (p->path().ends_with("h0") || p->path().ends_with("c0"))
      value.copy_from(random_tensor(value.shape(), 5));
  }
  const Seq2SeqBatch batch = make_batch(tiny_parallel_data(), {0, 1, 2}, false);
  std::vector<Var> params;
  for (const auto& p : store.parameters())
    params.push_back(p->var());
  expect_gradients_match(
      [&](Tape& tape, const std::vector<Var>&) {
        ForwardContext ctx = ForwardContext::for_training(tape, 5, 3, 0);
        Var logits = model.forward(ctx, batch);
        return std::vector<Var>{
            cross_entropy(tape, logits, batch.target_out, {-1, c.label_smoothing}).loss};
      },
      params);
}

class Seq2SeqGradcheck : public ::testing::TestWithParam<Variant> {};

TEST_P(Seq2SeqGradcheck, WholeModelOverAPaddedBatch) {
  Seq2SeqConfig c = tiny_config(GetParam().attention, GetParam().feeding);
  c.cell = GetParam().cell;
  c.local_window = 2;  // narrower than the sentences: the local variants' windows cut
  check_whole_model(c);
}

// The encoder's learned initial states reach every row, also the reverse direction's, which
// starts at each row's last real token.
TEST(Seq2SeqGradcheck, LearnedEncoderInitialStates) {
  Seq2SeqConfig c = tiny_config(AttentionType::LuongGeneral, true);
  c.learned_init = true;
  ASSERT_TRUE(c.bidirectional);
  check_whole_model(c);
}

INSTANTIATE_TEST_SUITE_P(
    Attention, Seq2SeqGradcheck,
    ::testing::Values(
        Variant{"none", AttentionType::None, false, CellType::Lstm},
        Variant{"bahdanau", AttentionType::Bahdanau, false, CellType::Lstm},
        Variant{"luong_dot", AttentionType::LuongDot, false, CellType::Lstm},
        Variant{"luong_general", AttentionType::LuongGeneral, false, CellType::Lstm},
        Variant{"luong_general_feeding", AttentionType::LuongGeneral, true, CellType::Lstm},
        Variant{"luong_concat_feeding", AttentionType::LuongConcat, true, CellType::Lstm},
        Variant{"gru_luong_general_feeding", AttentionType::LuongGeneral, true, CellType::Gru},
        Variant{"rnn_bahdanau", AttentionType::Bahdanau, false, CellType::Rnn},
        Variant{"luong_local_m", AttentionType::LuongLocalM, false, CellType::Lstm},
        Variant{"luong_local_p_feeding", AttentionType::LuongLocalP, true, CellType::Lstm}),
    [](const auto& test) { return std::string(test.param.name); });

// Also for local-p, whose window centre scales with each sentence's own length: padding the
// batch to a longer sentence must not move it.
class PaddingDoesNotLeak : public ::testing::TestWithParam<AttentionType> {};

TEST_P(PaddingDoesNotLeak, IntoOtherRows) {
  ParameterStore store;
  Seq2SeqConfig config = tiny_config(GetParam(), true);
  config.local_window = 2;
  Seq2Seq model(config, 10, 10, store);
  store.materialize(DType::F64, 4);
  const ParallelData data = tiny_parallel_data();
  Tape tape(false);
  ForwardContext ctx = ForwardContext::for_inference(tape);
  const Seq2SeqBatch all = make_batch(data, {0, 1, 2}, false);
  const Tensor logits = model.forward(ctx, all).value();  // (T * 3, V)
  for (int64_t row = 0; row < 3; ++row) {
    const Seq2SeqBatch alone = make_batch(data, {row}, false);
    const Tensor single = model.forward(ctx, alone).value();  // (T_row, V)
    for (int64_t t = 0; t < alone.target_in.dim(0); ++t) {
      for (int64_t v = 0; v < 10; ++v) {
        EXPECT_NEAR(single.item(t * 10 + v), logits.item((t * 3 + row) * 10 + v), 1e-12)
            << row << " " << t;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Attention, PaddingDoesNotLeak,
                         ::testing::Values(AttentionType::LuongGeneral, AttentionType::LuongLocalP),
                         [](const auto& test) {
                           return std::string(test.param == AttentionType::LuongGeneral
                                                  ? "luong_general"
                                                  : "luong_local_p");
                         });

TEST(Seq2Seq, AttentionWeightsSkipPaddingAndSumToOne) {
  ParameterStore store;
  Seq2Seq model(tiny_config(AttentionType::Bahdanau, false), 10, 10, store);
  store.materialize(DType::F64, 4);
  const Seq2SeqBatch batch = make_batch(tiny_parallel_data(), {0, 1, 2}, true);
  Tape tape(false);
  ForwardContext ctx = ForwardContext::for_inference(tape);
  const Seq2Seq::Memory memory = model.encode(ctx, batch.source, batch.source_lengths);
  Seq2Seq::DecoderState state = model.start(memory);
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
  // reverse_source: the first source position holds the last token.
  EXPECT_EQ(batch.source.data<int32_t>()[0], 7);
}

}  // namespace
}  // namespace recur::test
