// The transformer language model: f64 gradient checks of the whole model (pre- and post-norm,
// with dropout), causality (no position sees a later one), the context limit's message, and
// evaluation on windows with reset state for both language-model families.
#include "autograd/ops/loss.h"
#include "language/language_model_task.h"
#include "lstm_lm/lstm_lm.h"
#include "test_util.h"
#include "transformer/transformer_lm.h"

namespace recur::test {
namespace {

constexpr int64_t kVocab = 9, kContext = 6;

TransformerConfig tiny_config(bool pre_norm) {
  TransformerConfig c;
  c.model_size = 4;
  c.heads = 2;
  c.feed_forward_size = 6;
  c.layers = 2;
  c.dropout = 0.2;
  c.pre_norm = pre_norm;
  c.positions = pre_norm ? PositionType::Sinusoidal : PositionType::Learned;
  c.max_positions = kContext;
  c.tie_embeddings = pre_norm;
  return c;
}

TEST(TransformerLmGradcheck, WholeModelWithDropout) {
  for (bool pre_norm : {true, false}) {
    SCOPED_TRACE(testing::Message() << "pre-norm " << pre_norm);
    ParameterStore store;
    TransformerLm model(tiny_config(pre_norm), kVocab, kContext, store);
    store.materialize(DType::F64, 2);
    const Tensor ids = random_ids({5, 2}, 11, kVocab);      // (T, B)
    const Tensor targets = random_ids({5, 2}, 12, kVocab);  // (T, B)
    std::vector<Var> params;
    for (const auto& p : store.parameters())
      params.push_back(p->var());
    expect_gradients_match(
        [&](Tape& tape, const std::vector<Var>&) {
          ForwardContext ctx = ForwardContext::for_training(tape, 5, 3, 0);  // dropout on
          const Var logits = model.forward(ctx, ids, {}, Tensor()).logits;
          return std::vector<Var>{cross_entropy(tape, logits, targets, {}).loss};
        },
        params);
  }
}

TEST(TransformerLm, NoPositionSeesALaterOne) {
  ParameterStore store;
  TransformerLm model(tiny_config(true), kVocab, kContext, store);
  store.materialize(DType::F64, 3);
  Tensor ids = random_ids({kContext, 2}, 13, kVocab);
  Tape tape(false);
  const ForwardContext ctx = ForwardContext::for_inference(tape);
  const Tensor before = model.forward(ctx, ids, {}, Tensor()).logits.value();      // (T * B, V)
  ids.data<int32_t>()[4 * 2 + 1] = (ids.data<int32_t>()[4 * 2 + 1] + 1) % kVocab;  // t 4, row 1
  const Tensor after = model.forward(ctx, ids, {}, Tensor()).logits.value();
  for (int64_t t = 0; t < kContext; ++t) {
    for (int64_t b = 0; b < 2; ++b) {
      double change = 0;
      for (int64_t v = 0; v < kVocab; ++v) {
        const int64_t i = (t * 2 + b) * kVocab + v;
        change = std::max(change, std::abs(after.item(i) - before.item(i)));
      }
      if (b == 1 && t >= 4) {
        EXPECT_GT(change, 1e-6) << "position " << t;
      } else {
        EXPECT_EQ(change, 0.0) << "position " << t << ", row " << b;
      }
    }
  }
}

TEST(TransformerLm, RefusesAWindowLongerThanItsContext) {
  ParameterStore store;
  TransformerLm model(tiny_config(true), kVocab, kContext, store);
  store.materialize(DType::F32, 3);
  Tape tape(false);
  try {
    model.forward(ForwardContext::for_inference(tape), random_ids({kContext + 1, 1}, 1, kVocab), {},
                  Tensor());
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "a window of 7 tokens is longer than the model's context (6 tokens, its "
                 "training.bptt)");
  }
}

// The loss of every window of `bptt` steps of the streams read on its own, from a zero state.
double independent_windows_nll(const LanguageModel& model, const TokenSequence& sequence,
                               int64_t streams, int64_t bptt) {
  const TokenStreams cut(&sequence, streams);
  double nll = 0;
  for (int64_t position = 0; position < cut.last_position(); position += bptt) {
    const int64_t steps = std::min(bptt, cut.last_position() - position);
    const StreamWindow w = cut.window(position, steps, 0, streams, DType::F32);
    Tape tape(false);
    const ForwardContext ctx = ForwardContext::for_inference(tape);
    const Var logits =
        model.forward(ctx, w.inputs, model.zero_state(streams, DType::F32), w.keep).logits;
    nll += cross_entropy(tape, logits, w.targets, {StreamWindow::kIgnore}).nll.item();
  }
  return nll;
}

// Evaluation on windows with reset state reads each window on its own, for both families; only
// the LSTM's stateful evaluation differs from it.
TEST(LanguageModelEvaluation, WindowsWithResetStateAreIndependent) {
  std::vector<int32_t> ids;
  for (int i = 0; i < 40; ++i)
    ids.push_back(4 + (i * 7) % 5);
  const TokenSequence sequence = TokenSequence::of(ids, std::vector<int32_t>(ids.size(), 1));
  LstmLmConfig lstm_config;
  lstm_config.embedding_size = 3;
  lstm_config.hidden_size = 4;
  lstm_config.layers = 2;
  ParameterStore lstm_store, transformer_store;
  const LstmLm lstm(lstm_config, kVocab, lstm_store);
  const TransformerLm transformer(tiny_config(true), kVocab, kContext, transformer_store);
  lstm_store.materialize(DType::F32, 5);
  transformer_store.materialize(DType::F32, 5);
  for (const LanguageModel* model : std::vector<const LanguageModel*>{&lstm, &transformer}) {
    const bool has_state = model->state_layers() > 0;
    SCOPED_TRACE(has_state ? "lstm" : "transformer");
    const LossTotals windows =
        evaluate_language_model(*model, sequence, 2, kContext, {0, 2}, DType::F32, true);
    const LossTotals stateful =
        evaluate_language_model(*model, sequence, 2, kContext, {0, 2}, DType::F32, false);
    EXPECT_EQ(windows.tokens, 38.0);  // 2 streams of 20 tokens; the last of each has no target
    EXPECT_NEAR(windows.nll, independent_windows_nll(*model, sequence, 2, kContext),
                1e-5 * windows.nll);
    if (has_state) {
      EXPECT_GT(std::abs(stateful.nll - windows.nll), 1e-4);
    } else {
      EXPECT_EQ(stateful.nll, windows.nll);
    }
  }
}

}  // namespace
}  // namespace recur::test
