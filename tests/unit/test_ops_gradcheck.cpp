// Central-difference gradient checks in f64 for every op.
#include <cmath>
#include <vector>

#include "kernels/id_groups.h"
#include "test_util.h"

namespace recur::test {
namespace {

using Vars = std::vector<Var>;

TEST(OpsGradcheck, MatmulAllTransposes) {
  for (bool ta : {false, true}) {
    for (bool tb : {false, true}) {
      Var a = random_var(ta ? Shape{4, 3} : Shape{3, 4}, 1);
      Var b = random_var(tb ? Shape{5, 4} : Shape{4, 5}, 2);
      expect_gradients_match(
          [=](Tape& t, const Vars& in) { return Vars{matmul(t, in[0], in[1], ta, tb)}; }, {a, b});
    }
  }
}

TEST(OpsGradcheck, LinearWithAndWithoutBias) {
  Var x = random_var({2, 3, 4}, 1), w = random_var({5, 4}, 2), b = random_var({5}, 3);
  expect_gradients_match(
      [](Tape& t, const Vars& in) { return Vars{linear(t, in[0], in[1], in[2])}; }, {x, w, b});
  expect_gradients_match(
      [](Tape& t, const Vars& in) { return Vars{linear(t, in[0], in[1], Var())}; }, {x, w});
}

TEST(OpsGradcheck, AddMulBiasScale) {
  Var a = random_var({3, 4}, 1), b = random_var({3, 4}, 2), bias = random_var({4}, 3);
  expect_gradients_match([](Tape& t, const Vars& in) { return Vars{add(t, in[0], in[1])}; },
                         {a, b});
  expect_gradients_match([](Tape& t, const Vars& in) { return Vars{mul(t, in[0], in[1])}; },
                         {a, b});
  expect_gradients_match([](Tape& t, const Vars& in) { return Vars{add_bias(t, in[0], in[1])}; },
                         {a, bias});
  expect_gradients_match([](Tape& t, const Vars& in) { return Vars{scale(t, in[0], -2.5)}; }, {a});
  // The same input twice: gradients from both uses must add up.
  expect_gradients_match([](Tape& t, const Vars& in) { return Vars{mul(t, in[0], in[0])}; }, {a});
}

TEST(OpsGradcheck, Activations) {
  Var x = random_var({4, 5}, 4, 2.0);
  expect_gradients_match([](Tape& t, const Vars& in) { return Vars{sigmoid(t, in[0])}; }, {x});
  expect_gradients_match([](Tape& t, const Vars& in) { return Vars{tanh(t, in[0])}; }, {x});
  // ReLU is not differentiable at 0: keep the inputs away from it.
  Tensor v = random_tensor({4, 5}, 5);
  for (int64_t i = 0; i < v.numel(); ++i) {
    double& e = v.data<double>()[i];
    e += e >= 0 ? 0.1 : -0.1;
  }
  expect_gradients_match([](Tape& t, const Vars& in) { return Vars{relu(t, in[0])}; },
                         {Var(v, true)});
}

TEST(OpsGradcheck, SoftmaxAndLogSoftmax) {
  Var x = random_var({3, 2, 6}, 6, 2.0);
  expect_gradients_match([](Tape& t, const Vars& in) { return Vars{softmax(t, in[0])}; }, {x});
  expect_gradients_match([](Tape& t, const Vars& in) { return Vars{log_softmax(t, in[0])}; }, {x});
}

TEST(OpsGradcheck, CrossEntropyWithPaddingAndSmoothing) {
  Var logits = random_var({6, 7}, 7, 2.0);
  Tensor targets = Tensor::from_vector<int32_t>({3, 0, -1, 6, 2, -1}, {6});
  for (double smoothing : {0.0, 0.1}) {
    for (double normalizer : {0.0, 10.0}) {
      CrossEntropyOptions o{-1, smoothing, normalizer};
      expect_gradients_match(
          [=](Tape& t, const Vars& in) { return Vars{cross_entropy(t, in[0], targets, o).loss}; },
          {logits});
    }
  }
}

TEST(OpsGradcheck, EmbeddingWithRepeatedIds) {
  Var weight = random_var({5, 3}, 8);
  Tensor ids = Tensor::from_vector<int32_t>({1, 4, 1, 0, 1, 3}, {2, 3});
  expect_gradients_match([=](Tape& t, const Vars& in) { return Vars{embedding(t, in[0], ids)}; },
                         {weight});
}

// Skip-gram's loss over 3 centres with 2 pair slots of 1 context + 3 noise words each; one slot is
// empty (weight 0) and must add nothing. Both inputs get gradients, also when one of them repeats
// a word (the same vector twice among the candidates is two independent inputs here).
TEST(OpsGradcheck, NegativeSamplingLoss) {
  Var centres = random_var({3, 5}, 10, 1.5), candidates = random_var({3, 2, 4, 5}, 11, 1.5);
  Tensor weights = Tensor::from_vector<double>({1, 1, 0, 1, 1, 1}, {3, 2});
  for (double normalizer : {0.0, 8.0}) {
    expect_gradients_match(
        [=](Tape& t, const Vars& in) {
          return Vars{negative_sampling_loss(t, in[0], in[1], weights, normalizer).loss};
        },
        {centres, candidates});
  }
  Tape tape(false);
  const NegativeSamplingResult r = negative_sampling_loss(tape, centres, candidates, weights, 0.0);
  EXPECT_EQ(r.pairs, 5);
  EXPECT_NEAR(r.loss.value().item(), r.nll.item() / 5, 1e-12);
}

// The loss against its formula, written out for one pair.
TEST(OpsGradcheck, NegativeSamplingLossIsTheSkipGramObjective) {
  Tensor v = Tensor::from_vector<double>({0.5, -1.0}, {1, 2});
  Tensor u = Tensor::from_vector<double>({1.0, 0.25, -0.5, 2.0, 3.0, 1.0}, {1, 1, 3, 2});
  Tape tape(false);
  const NegativeSamplingResult r =
      negative_sampling_loss(tape, Var(v), Var(u), Tensor::from_vector<double>({1}, {1, 1}), 0.0);
  auto log_sigmoid = [](double x) { return -std::log1p(std::exp(-x)); };
  // scores: context 0.25, noise -2.25 and 0.5
  const double expected = -log_sigmoid(0.25) - log_sigmoid(2.25) - log_sigmoid(-0.5);
  EXPECT_NEAR(r.loss.value().item(), expected, 1e-12);
}

// The embedding gradient's groups: each id's positions, increasing, ids in increasing order.
TEST(OpsGradcheck, IdGroupsListEachIdsPositionsInOrder) {
  const std::vector<int32_t> ids = {3, 1, 3, 0, 1, 3};
  const kernels::IdGroups g = kernels::group_ids(ids.data(), 6);
  EXPECT_EQ(g.order, (std::vector<int32_t>{3, 1, 4, 0, 2, 5}));
  EXPECT_EQ(g.starts, (std::vector<int32_t>{0, 1, 3, 6}));
  EXPECT_EQ(g.groups(), 3);
  EXPECT_EQ(kernels::group_ids(ids.data(), 0).groups(), 0);
}

TEST(OpsGradcheck, Dropout) {
  Var x = random_var({3, 4, 5}, 9);
  DropoutSpec spec{0.3, RandomStream(5, RngPurpose::Dropout, 1, 2), 7};
  expect_gradients_match([=](Tape& t, const Vars& in) { return Vars{dropout(t, in[0], spec)}; },
                         {x});
}

TEST(OpsGradcheck, ConcatSliceReshape) {
  Var a = random_var({2, 3, 4}, 10), b = random_var({2, 2, 4}, 11), c = random_var({2, 3, 2}, 12);
  expect_gradients_match([](Tape& t, const Vars& in) { return Vars{concat(t, in, 1)}; }, {a, b});
  expect_gradients_match([](Tape& t, const Vars& in) { return Vars{concat(t, in, -1)}; }, {a, c});
  expect_gradients_match([](Tape& t, const Vars& in) { return Vars{concat(t, in, 0)}; },
                         {a, random_var({1, 3, 4}, 13)});
  for (int axis : {0, 1, 2}) {
    expect_gradients_match(
        [=](Tape& t, const Vars& in) { return Vars{slice(t, in[0], axis, 1, 2)}; }, {a});
  }
  expect_gradients_match(
      [](Tape& t, const Vars& in) {
        return Vars{reshape(t, in[0], {6, 4})};
      },
      {a});
  expect_gradients_match([](Tape& t, const Vars& in) { return Vars{swap_leading(t, in[0])}; }, {a});
}

TEST(OpsGradcheck, Reductions) {
  Var x = random_var({3, 5}, 14);
  expect_gradients_match([](Tape& t, const Vars& in) { return Vars{sum(t, in[0])}; }, {x});
  expect_gradients_match([](Tape& t, const Vars& in) { return Vars{mean(t, in[0])}; }, {x});
}

// Inputs of a recurrent layer with G gates: x, h0, c0, w_ih, w_hh, b_ih, b_hh.
Vars rnn_inputs(int gates, int64_t steps, int64_t batch, int64_t input, int64_t hidden) {
  return {
      random_var({steps, batch, input}, 20),         random_var({batch, hidden}, 21, 0.5),
      random_var({batch, hidden}, 22, 0.5),          random_var({gates * hidden, input}, 23, 0.5),
      random_var({gates * hidden, hidden}, 24, 0.5), random_var({gates * hidden}, 25, 0.5),
      random_var({gates * hidden}, 26, 0.5)};
}

struct RnnCase {
  const char* name;
  bool reverse;
  bool keep;
  bool lengths;
};

// gtest prints a case by its name in test listings (not as a byte dump).
void PrintTo(const RnnCase& c, std::ostream* out) {
  *out << c.name;
}

class RnnLayerGradcheck : public ::testing::TestWithParam<RnnCase> {
 protected:
  RnnLayerOptions options() const {
    RnnLayerOptions o;
    o.reverse = GetParam().reverse;
    // 5 steps, 3 rows: row 1 restarts before steps 2 and 4, row 2 before step 3.
    if (GetParam().keep) {
      o.keep = Tensor::from_vector<double>({1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 1, 0, 1}, {5, 3});
    }
    if (GetParam().lengths) o.lengths = Tensor::from_vector<int32_t>({5, 2, 4}, {3});
    return o;
  }
};

TEST_P(RnnLayerGradcheck, Lstm) {
  RnnLayerOptions o = options();
  expect_gradients_match(
      [=](Tape& t, const Vars& in) {
        LstmOutputs out = lstm_layer(t, in[0], in[1], in[2], {in[3], in[4], in[5], in[6]}, o);
        return Vars{out.y, out.h, out.c};
      },
      rnn_inputs(4, 5, 3, 4, 3));
}

TEST_P(RnnLayerGradcheck, Gru) {
  RnnLayerOptions o = options();
  Vars in = rnn_inputs(3, 5, 3, 4, 3);
  in.erase(in.begin() + 2);  // no cell state
  expect_gradients_match(
      [=](Tape& t, const Vars& v) {
        RnnOutputs out = gru_layer(t, v[0], v[1], {v[2], v[3], v[4], v[5]}, o);
        return Vars{out.y, out.h};
      },
      in);
}

// The vanilla RNN with both nonlinearities. Relu's kink at 0 is not differentiable; the random
// pre-activations stay far from it next to the finite-difference step.
TEST_P(RnnLayerGradcheck, VanillaRnn) {
  RnnLayerOptions o = options();
  Vars in = rnn_inputs(1, 5, 3, 4, 3);
  in.erase(in.begin() + 2);  // no cell state
  for (Activation f : {Activation::Tanh, Activation::Relu}) {
    SCOPED_TRACE(f == Activation::Tanh ? "tanh" : "relu");
    expect_gradients_match(
        [=](Tape& t, const Vars& v) {
          RnnOutputs out = rnn_layer(t, v[0], v[1], {v[2], v[3], v[4], v[5]}, o, f);
          return Vars{out.y, out.h};
        },
        in);
  }
}

INSTANTIATE_TEST_SUITE_P(Variants, RnnLayerGradcheck,
                         ::testing::Values(RnnCase{"forward", false, false, false},
                                           RnnCase{"reverse", true, false, false},
                                           RnnCase{"keep", false, true, false},
                                           RnnCase{"reverse_keep", true, true, false},
                                           RnnCase{"lengths", false, false, true},
                                           RnnCase{"reverse_lengths", true, false, true}),
                         [](const auto& test) { return std::string(test.param.name); });

// Rows restart from learned states where the keep mask is 0 (model.learned_init), row 0 already at
// the first step: the gradients of those states and of every other input, for each cell.
TEST(OpsGradcheck, RecurrentLayersRestartFromLearnedStates) {
  const Tensor keep =
      Tensor::from_vector<double>({0, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 1, 0, 1}, {5, 3});
  auto options = [&](const Var& h, const Var& c) {
    RnnLayerOptions o;
    o.keep = keep;
    o.resets = StateResets::from_keep(keep, Device::cpu());
    o.resets.h = h;
    o.resets.c = c;
    return o;
  };
  Vars lstm = rnn_inputs(4, 5, 3, 4, 3);
  lstm.push_back(random_var({3}, 27, 0.5));
  lstm.push_back(random_var({3}, 28, 0.5));
  expect_gradients_match(
      [&](Tape& t, const Vars& in) {
        LstmOutputs out =
            lstm_layer(t, in[0], in[1], in[2], {in[3], in[4], in[5], in[6]}, options(in[7], in[8]));
        return Vars{out.y, out.h, out.c};
      },
      lstm);
  for (int gates : {3, 1}) {
    SCOPED_TRACE(gates == 3 ? "gru" : "rnn");
    Vars in = rnn_inputs(gates, 5, 3, 4, 3);
    in.erase(in.begin() + 2);  // no cell state
    in.push_back(random_var({3}, 27, 0.5));
    expect_gradients_match(
        [&](Tape& t, const Vars& v) {
          const RnnWeights w{v[2], v[3], v[4], v[5]};
          RnnOutputs out =
              gates == 3 ? gru_layer(t, v[0], v[1], w, options(v[6], Var()))
                         : rnn_layer(t, v[0], v[1], w, options(v[6], Var()), Activation::Tanh);
          return Vars{out.y, out.h};
        },
        in);
  }
}

TEST(OpsGradcheck, AttentionStepEveryScoreWithPadding) {
  // 3 rows, 5 source positions; rows 1 and 2 are padded after 2 and 4 positions.
  const Tensor lengths = Tensor::from_vector<int32_t>({5, 2, 4}, {3});
  for (auto score : {AttentionScore::Dot, AttentionScore::Additive}) {
    const bool additive = score == AttentionScore::Additive;
    Vars inputs = {random_var({3, 4}, 70), random_var({3, 5, 4}, 71), random_var({3, 5, 6}, 72)};
    if (additive) inputs.push_back(random_var({4}, 73));
    expect_gradients_match(
        [=](Tape& t, const Vars& in) {
          return Vars{
              attention_step(t, in[0], in[1], in[2], lengths, score, additive ? in[3] : Var())
                  .context};
        },
        inputs);
  }
}

// Luong's formula, row by row: a softmax over the positions within D = 2 of the centre 2.3 (1..4),
// each weight scaled by exp(-(s - 2.3)^2 / (2 sigma^2)), sigma = D / 2; the others 0. A row whose
// window holds no real position gets zeros.
TEST(LocalAttention, WeightsAreTheWindowSoftmaxTimesTheGaussian) {
  std::vector<double> keys(2 * 6 * 2, 0.0);
  for (int s = 0; s < 6; ++s)
    keys[static_cast<size_t>(2 * s)] = keys[static_cast<size_t>(12 + 2 * s)] = 0.1 * s;
  const Var query(Tensor::from_vector<double>({1, 0, 1, 0}, {2, 2}));
  Tape tape(false);
  const AttentionOutputs out =
      attention_step(tape, query, Var(Tensor::from_vector(keys, {2, 6, 2})),
                     Var(Tensor::full({2, 6, 3}, DType::F64, 1.0)),
                     Tensor::from_vector<int32_t>({6, 2}, {2}), AttentionScore::Dot, Var(),
                     LocalWindow{Var(Tensor::from_vector<double>({2.3, 5.0}, {2})), 2});
  double total = 0;
  for (int s = 1; s <= 4; ++s)
    total += std::exp(0.1 * s);
  for (int s = 0; s < 6; ++s) {
    const double expected =
        s >= 1 && s <= 4 ? std::exp(0.1 * s) / total * std::exp(-(s - 2.3) * (s - 2.3) / 2) : 0.0;
    EXPECT_NEAR(out.weights.item(s), expected, 1e-15) << s;
    EXPECT_EQ(out.weights.item(6 + s), 0.0) << "row 1, " << s;  // window 3..7, length 2
  }
  EXPECT_EQ(out.context.value().item(3), 0.0);
}

// Local attention: windows of half width 2 around centres that are inputs too (Luong's local-p),
// each at least 0.3 from a window edge, where membership jumps and no derivative exists.
TEST(OpsGradcheck, LocalAttentionStepWithPadding) {
  const Tensor lengths = Tensor::from_vector<int32_t>({5, 2, 4}, {3});
  for (auto score : {AttentionScore::Dot, AttentionScore::Additive}) {
    const bool additive = score == AttentionScore::Additive;
    Vars inputs = {random_var({3, 4}, 74), random_var({3, 5, 4}, 75), random_var({3, 5, 6}, 76),
                   Var(Tensor::from_vector<double>({2.3, 1.5, 0.4}, {3}), true)};
    if (additive) inputs.push_back(random_var({4}, 77));
    expect_gradients_match(
        [=](Tape& t, const Vars& in) {
          return Vars{attention_step(t, in[0], in[1], in[2], lengths, score,
                                     additive ? in[4] : Var(), LocalWindow{in[3], 2})
                          .context};
        },
        inputs);
  }
}

TEST(OpsGradcheck, LayerNorm) {
  // Rows of very different means and spreads: the normalisation must not hide any of them.
  Var x = Var(random_tensor({2, 3, 5}, 80, 2.0, 0.5), true);
  Var gain = random_var({5}, 81), bias = random_var({5}, 82);
  expect_gradients_match(
      [](Tape& t, const Vars& in) { return Vars{layer_norm(t, in[0], in[1], in[2])}; },
      {x, gain, bias});
}

TEST(OpsGradcheck, MultiHeadAttentionWithPaddingAndCausalMasks) {
  // 2 sequences, 2 heads of key size 3 and value size 2; the second sequence has 2 padded keys.
  const Tensor key_lengths = Tensor::from_vector<int32_t>({4, 2}, {2});
  struct Case {
    int64_t queries;
    bool causal;
  };
  // Encoder self-attention, cross-attention (3 queries, 4 keys), decoder self-attention, and a
  // causal query block that is the last 2 of 4 positions (decoding with a key/value cache).
  for (Case c : {Case{4, false}, Case{3, false}, Case{4, true}, Case{2, true}}) {
    SCOPED_TRACE(testing::Message() << c.queries << " queries, causal " << c.causal);
    Vars inputs = {random_var({2, c.queries, 6}, 83), random_var({2, 4, 6}, 84),
                   random_var({2, 4, 4}, 85)};
    expect_gradients_match(
        [=](Tape& t, const Vars& in) {
          return Vars{multi_head_attention(t, in[0], in[1], in[2], key_lengths, 2, c.causal).out};
        },
        inputs);
  }
}

TEST(OpsGradcheck, LstmOnlyFinalStateUsed) {
  expect_gradients_match(
      [](Tape& t, const Vars& in) {
        return Vars{lstm_layer(t, in[0], in[1], in[2], {in[3], in[4], in[5], in[6]}, {}).h};
      },
      rnn_inputs(4, 3, 2, 3, 2));
}

}  // namespace
}  // namespace recur::test
