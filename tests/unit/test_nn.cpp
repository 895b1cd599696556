// Layers and whole models: f64 gradient checks of stacked and bidirectional LSTM/GRU/RNN stacks and
// the language model, the flat parameter buffer, and model files.
#include <cmath>
#include <filesystem>
#include <fstream>

#include "autograd/ops/loss.h"
#include "checkpoint/h5.h"
#include "checkpoint/model_file.h"
#include "lstm_lm/lstm_lm.h"
#include "nn/layers.h"
#include "nn/rnn_stack.h"
#include "test_util.h"

namespace recur::test {
namespace {

// Gradient check over every parameter of `store` plus the extra inputs.
void check_model(ParameterStore& store, std::vector<Var> extra, const GradFunction& fn) {
  for (const auto& p : store.parameters())
    extra.push_back(p->var());
  expect_gradients_match(fn, extra);
}

struct StackCase {
  const char* name;
  CellType cell;
  bool bidirectional;
  bool residual;
  double dropout;
  bool lengths;
};

// gtest prints a case by its name in test listings (not as a byte dump).
void PrintTo(const StackCase& c, std::ostream* out) {
  *out << c.name;
}

class RnnStackGradcheck : public ::testing::TestWithParam<StackCase> {};

TEST_P(RnnStackGradcheck, AllParametersAndInputs) {
  const StackCase c = GetParam();
  ParameterStore store;
  RnnStack stack(store, "rnn", {c.cell, 3, 3, 2, c.bidirectional, c.dropout, c.residual});
  store.materialize(DType::F64, 5);
  Var x = random_var({4, 3, 3}, 31);
  RnnSequenceInfo seq;
  if (c.lengths) seq.lengths = Tensor::from_vector<int32_t>({4, 2, 3}, {3});
  check_model(store, {x}, [&](Tape& tape, const std::vector<Var>& in) {
    ForwardContext ctx = ForwardContext::for_training(tape, 9, 4, 0);
    RnnStack::Output out = stack.forward(ctx, in[0], {}, seq);
    std::vector<Var> outputs = {out.y};
    for (const Var& h : out.state.h)
      outputs.push_back(h);
    for (const Var& cell : out.state.c)
      outputs.push_back(cell);
    return outputs;
  });
}

INSTANTIATE_TEST_SUITE_P(
    Stacks, RnnStackGradcheck,
    ::testing::Values(StackCase{"lstm", CellType::Lstm, false, false, 0.0, false},
                      StackCase{"gru", CellType::Gru, false, false, 0.0, false},
                      StackCase{"bilstm_padded", CellType::Lstm, true, false, 0.0, true},
                      StackCase{"bigru_padded", CellType::Gru, true, false, 0.0, true},
                      StackCase{"birnn_padded", CellType::Rnn, true, false, 0.0, true},
                      StackCase{"rnn_relu_residual", CellType::RnnRelu, false, true, 0.0, false},
                      StackCase{"lstm_residual_dropout", CellType::Lstm, false, true, 0.3, false},
                      StackCase{"bilstm_residual_dropout", CellType::Lstm, true, true, 0.3, false}),
    [](const auto& test) { return std::string(test.param.name); });

TEST(LanguageModelGradcheck, LstmWithDropoutResetsAndPaddedTargets) {
  LstmLmConfig config;
  config.embedding_size = 4;
  config.hidden_size = 4;
  config.layers = 2;
  config.dropout = 0.2;
  config.embedding_dropout = 0.1;
  config.output_dropout = 0.2;
  for (bool tied : {false, true}) {
    config.tie_embeddings = tied;
    ParameterStore store;
    LstmLm model(config, 7, store);
    store.materialize(DType::F64, 3);
    Tensor ids = random_ids({5, 2}, 40, 7);
    Tensor targets = random_ids({5, 2}, 41, 7);
    targets.data<int32_t>()[3] = -1;
    Tensor keep = Tensor::from_vector<double>({1, 1, 1, 1, 0, 1, 1, 1, 1, 0}, {5, 2});
    RnnState state = model.zero_state(2, DType::F64);
    state.h[0] = random_var({2, 4}, 42, 0.5, false);
    check_model(store, {}, [&](Tape& tape, const std::vector<Var>&) {
      ForwardContext ctx = ForwardContext::for_training(tape, 2, 6, 0);
      LstmLm::Output out = model.forward(ctx, ids, state, keep);
      return std::vector<Var>{cross_entropy(tape, out.logits, targets, {-1, 0.1}).loss};
    });
  }
}

class LanguageModelCellGradcheck : public ::testing::TestWithParam<CellType> {};

// With learned initial states, which both the first step and the document starts the keep mask
// marks restart from.
TEST_P(LanguageModelCellGradcheck, ResidualStackWithLearnedInitialStates) {
  LstmLmConfig config;
  config.cell = GetParam();
  config.learned_init = true;
  config.embedding_size = 3;
  config.hidden_size = 4;
  config.layers = 2;
  config.residual = true;
  ParameterStore store;
  LstmLm model(config, 6, store);
  store.materialize(DType::F64, 3);
  Tensor ids = random_ids({4, 2}, 43, 6), targets = random_ids({4, 2}, 44, 6);
  const Tensor keep = Tensor::from_vector<double>({1, 1, 0, 1, 1, 1, 1, 0}, {4, 2});
  // The learned states start at zero; moved away from it, they must show in the gradients.
  for (const auto& p : store.parameters()) {
    Tensor value = p->var().value();
    if (p->path().ends_with("h0") || p->path().ends_with("c0"))
      value.copy_from(random_tensor({4}, 45));
  }
  check_model(store, {}, [&](Tape& tape, const std::vector<Var>&) {
    ForwardContext ctx = ForwardContext::for_training(tape, 2, 6, 0);
    LstmLm::Output out = model.forward(ctx, ids, {}, keep);
    return std::vector<Var>{cross_entropy(tape, out.logits, targets, {}).loss};
  });
}

INSTANTIATE_TEST_SUITE_P(Cells, LanguageModelCellGradcheck,
                         ::testing::Values(CellType::Lstm, CellType::Gru, CellType::Rnn),
                         [](const auto& test) { return std::string(cell_name(test.param)); });

TEST(ParameterStore, FlatAlignedLayoutAndDeterministicInit) {
  ParameterStore a;
  Linear la(a, "out", 5, 3);
  a.materialize(DType::F32, 7);
  EXPECT_EQ(a.parameters()[0]->offset(), 0);
  EXPECT_EQ(a.parameters()[1]->offset(), 16);  // 15 elements, aligned to 16
  EXPECT_EQ(a.size(), 32);
  EXPECT_EQ(a.parameter_count(), 18);
  EXPECT_TRUE(a.parameters()[0]->var().value().shares_storage_with(a.values()));
  // Initial values depend on the seed and the path, not on the declaration order.
  ParameterStore b;
  Linear extra(b, "other", 2, 2);
  Linear lb(b, "out", 5, 3);
  b.materialize(DType::F32, 7);
  EXPECT_EQ(b.find("out/weight")->var().value().to_vector<float>(),
            a.find("out/weight")->var().value().to_vector<float>());
  const double bound = 1.0 / std::sqrt(5.0);
  for (float v : a.find("out/weight")->var().value().to_vector<float>())
    EXPECT_LE(std::fabs(v), bound);
}

TEST(ModelFile, RoundTripAndMismatches) {
  const std::string path = (process_temp_dir("model-file") / "model.h5").string();
  ParameterStore store;
  Linear layer(store, "out", 4, 3);
  store.materialize(DType::F32, 1);
  ModelFileInfo info{{"lstm_lm",
                      "model: {}\n",
                      {"<pad>", "<unk>", "<bos>", "<eos>", "á"},
                      "char",
                      false,
                      "test",
                      {}},
                     42};
  save_model_file(path, store, info);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp-" + std::to_string(::getpid())));

  ModelFileInfo read = read_model_file_info(path);
  EXPECT_EQ(read.step, 42);
  EXPECT_EQ(read.identity.vocab, info.identity.vocab);
  EXPECT_EQ(read.identity.config_yaml, info.identity.config_yaml);
  ParameterStore copy;
  Linear same(copy, "out", 4, 3);
  copy.materialize(DType::F32, 99);
  load_model_parameters(path, copy);
  EXPECT_EQ(copy.values().to_vector<float>(), store.values().to_vector<float>());

  ParameterStore other;
  Linear wider(other, "out", 5, 3);
  other.materialize(DType::F32, 1);
  try {
    load_model_parameters(path, other);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              path + ": parameter out/weight has shape (3, 4), the model expects (3, 5)");
  }
}

TEST(ModelFile, ChecksumsCatchDamage) {
  const std::string path = (process_temp_dir("model-file") / "damaged.h5").string();
  ParameterStore store;
  Linear layer(store, "out", 64, 64);
  store.materialize(DType::F32, 1);
  save_model_file(
      path, store,
      {{"lstm_lm", "x", {"<pad>", "<unk>", "<bos>", "<eos>"}, "char", false, "t", {}}, 1});
  // Flip bytes in the middle of the weight's data: the fletcher32 check must fail the read.
  const Tensor w = store.find("out/weight")->var().value();
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const float probe = w.data<float>()[2000];
  const size_t at = bytes.find(std::string(reinterpret_cast<const char*>(&probe), 4));
  ASSERT_NE(at, std::string::npos);
  bytes[at] = static_cast<char>(bytes[at] ^ 0x5a);
  std::ofstream(path, std::ios::binary) << bytes;
  EXPECT_THROW(load_model_parameters(path, store), Error);
}

}  // namespace
}  // namespace recur::test

namespace recur::test {
namespace {

TEST(Tape, ReportsEachParameterOnceWhenItsGradientIsFinal) {
  LstmLmConfig config;
  config.embedding_size = 4;
  config.hidden_size = 4;
  config.tie_embeddings = true;  // the embedding is used twice: first and last
  ParameterStore store;
  LstmLm model(config, 9, store);
  store.materialize(DType::F64, 1);
  Tensor ids = random_ids({3, 2}, 50, 9), targets = random_ids({3, 2}, 51, 9);

  Tape tape;
  std::vector<int32_t> order;
  std::vector<Tensor> at_hook(store.parameters().size());
  tape.on_gradient_ready([&](int32_t p) {
    order.push_back(p);
    at_hook[static_cast<size_t>(p)] =
        store.parameters()[static_cast<size_t>(p)]->var().grad().clone();
  });
  LstmLm::Output out =
      model.forward(ForwardContext::for_training(tape, 0, 0, 0), ids, {}, Tensor());
  tape.backward(cross_entropy(tape, out.logits, targets, {}).loss);

  ASSERT_EQ(order.size(), store.parameters().size());
  EXPECT_EQ(store.parameters()[static_cast<size_t>(order.front())]->path(), "output/bias");
  EXPECT_EQ(store.parameters()[static_cast<size_t>(order.back())]->path(), "embedding/weight");
  for (size_t p = 0; p < at_hook.size(); ++p) {
    // Nothing was added to a gradient after it was reported final.
    EXPECT_EQ(at_hook[p].to_vector<double>(),
              store.parameters()[p]->var().grad().to_vector<double>())
        << store.parameters()[p]->path();
  }
}

}  // namespace
}  // namespace recur::test
