// Truncated BPTT: carrying state window by window equals one pass with the same truncation points
// (and a full pass, for the outputs); the same seed gives a bit-identical loss trajectory.
#include "autograd/ops/loss.h"
#include "autograd/ops/shape.h"
#include "dist/communicator.h"
#include "language/language_model_task.h"
#include "lstm_lm/lstm_lm.h"
#include "optim/optimizer.h"
#include "test_util.h"

namespace recur::test {
namespace {

// Two streams of 13 tokens over 3 documents, vocabulary of 8 (ids 4..7 are words).
TokenSequence small_sequence() {
  std::vector<int32_t> ids = {2, 4, 5, 6, 3, 7, 4, 3, 2, 5, 5, 6, 3,
                              2, 7, 7, 4, 3, 5, 6, 2, 4, 6, 5, 3, 7};
  std::vector<int32_t> chars(ids.size(), 1);
  return TokenSequence::of(std::move(ids), std::move(chars));
}

LstmLmConfig small_lm() {
  LstmLmConfig c;
  c.embedding_size = 3;
  c.hidden_size = 4;
  c.layers = 2;
  c.dropout = 0.25;
  return c;
}

TEST(Tbptt, CarryingStateEqualsOnePassWithTheSameTruncationPoints) {
  const TokenSequence seq = small_sequence();
  const TokenStreams streams(&seq, 2);
  const int64_t window = 4, windows = 3;
  ASSERT_GE(streams.last_position(), window * windows);
  const double normalizer = static_cast<double>(streams.count_targets(0, window * windows));

  ParameterStore store;
  LstmLm model(small_lm(), 8, store);
  store.materialize(DType::F64, 11);

  // (a) window by window: forward, backward, carry the state detached.
  std::vector<Tensor> logits_a;
  RnnState state = model.zero_state(2, DType::F64);
  for (int64_t w = 0; w < windows; ++w) {
    StreamWindow data = streams.window(w * window, window, 0, 2, DType::F64);
    Tape tape;
    LstmLm::Output out =
        model.forward(ForwardContext::for_training(tape, 5, 1, 0), data.inputs, state, data.keep);
    tape.backward(cross_entropy(tape, out.logits, data.targets, {-1, 0.0, normalizer}).loss);
    logits_a.push_back(out.logits.value().clone());
    state = out.state.detached();
  }
  const Tensor grads_a = store.grads().clone();

  // (b) one tape over all windows, state detached at the same points, one backward.
  store.zero_grad();
  {
    Tape tape;
    RnnState carried = model.zero_state(2, DType::F64);
    std::vector<Var> losses;
    for (int64_t w = 0; w < windows; ++w) {
      StreamWindow data = streams.window(w * window, window, 0, 2, DType::F64);
      LstmLm::Output out = model.forward(ForwardContext::for_training(tape, 5, 1, 0), data.inputs,
                                         carried, data.keep);
      losses.push_back(cross_entropy(tape, out.logits, data.targets, {-1, 0.0, normalizer}).loss);
      EXPECT_EQ(out.logits.value().to_vector<double>(),
                logits_a[static_cast<size_t>(w)].to_vector<double>());
      carried = out.state.detached();
    }
    tape.backward(sum(tape, concat(tape, losses, 0)));
  }
  EXPECT_LT(relative_difference(store.grads(), grads_a), 1e-13);

  // (c) the outputs of one untruncated pass over all steps are the same.
  Tape tape(false);
  StreamWindow all = streams.window(0, window * windows, 0, 2, DType::F64);
  Tensor full = model
                    .forward(ForwardContext::for_inference(tape), all.inputs,
                             model.zero_state(2, DType::F64), all.keep)
                    .logits.value();
  std::vector<Tensor> eval_windows;
  RnnState s = model.zero_state(2, DType::F64);
  for (int64_t w = 0; w < windows; ++w) {
    StreamWindow data = streams.window(w * window, window, 0, 2, DType::F64);
    LstmLm::Output out =
        model.forward(ForwardContext::for_inference(tape), data.inputs, s, data.keep);
    Tensor part = full.view(w * out.logits.value().numel(), out.logits.shape());
    EXPECT_LT(relative_difference(out.logits.value(), part), 1e-13) << "window " << w;
    s = out.state;
  }
}

// A small training task on the shipped sample; returns the loss of every step.
std::vector<double> train_losses(uint64_t seed, int steps, std::vector<float>* final_params) {
  static const LanguageModelData data = [] {
    LanguageModelDataConfig c;
    c.train = std::string(RECUR_SOURCE_DIR) + "/datasets/bible/sample/kjv.valid.txt";
    const std::string folder = (process_temp_dir("tbptt") / "prepared").string();
    prepare_language_data(c, nullptr, folder, false);
    return LanguageModelData::open(c, folder);
  }();
  TrainingConfig training;
  training.seed = static_cast<int64_t>(seed);
  training.batch_size = 4;
  training.bptt = 20;
  training.variable_bptt = true;
  LstmLmConfig config = small_lm();
  config.embedding_dropout = 0.1;
  ParameterStore store;
  LstmLm model(config, data.vocab.size(), store);
  store.materialize(DType::F32, seed);
  Adam adam(store, {});
  SingleProcessCommunicator comm;
  LanguageModelTask task(model, data, training, {}, comm, DType::F32);
  NoGradientSync no_sync;
  std::vector<double> losses;
  for (int step = 1; step <= steps; ++step) {
    store.zero_grad();
    losses.push_back(task.train_step(step, no_sync).read().loss());
    Tensor diverged_at = Tensor::zeros({1}, DType::F64);
    clip_grad_norm(store, 1.0, step, diverged_at);
    adam.step(0.01 * task.lr_scale());
  }
  if (final_params) *final_params = store.values().to_vector<float>();
  return losses;
}

TEST(Tbptt, SameSeedGivesABitIdenticalLossTrajectory) {
  std::vector<float> params_a, params_b;
  const std::vector<double> a = train_losses(7, 25, &params_a);
  const std::vector<double> b = train_losses(7, 25, &params_b);
  EXPECT_EQ(a, b);
  EXPECT_EQ(params_a, params_b);
  EXPECT_LT(a.back(), a.front());  // it learns
  EXPECT_NE(train_losses(8, 25, nullptr), a);
}

}  // namespace
}  // namespace recur::test
