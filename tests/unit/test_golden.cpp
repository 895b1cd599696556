// recur against PyTorch: outputs, loss and gradients of LSTM, GRU and vanilla RNN stacks and the
// LSTM language model for fixed weights, from tests/reference/golden.h5 (made by make_golden.py).
#include "autograd/ops/loss.h"
#include "checkpoint/h5.h"
#include "lstm_lm/lstm_lm.h"
#include "nn/rnn_stack.h"
#include "test_util.h"

namespace recur::test {
namespace {

constexpr double kTolerance = 1e-10;  // both sides compute in float64

H5File golden() {
  return H5File::open(std::string(RECUR_SOURCE_DIR) + "/tests/reference/golden.h5");
}

// Copies every parameter of the store from <group>/params/<path>.
void load_params(const H5File& file, const std::string& group, ParameterStore& store) {
  for (const auto& p : store.parameters()) {
    Tensor value = p->var().value();
    value.copy_from(file.read_tensor(group + "/params/" + p->path()));
  }
}

void expect_close(const Tensor& actual, const Tensor& expected, const std::string& what) {
  ASSERT_EQ(actual.numel(), expected.numel()) << what;
  EXPECT_LT(relative_difference(actual, expected), kTolerance) << what;
}

void expect_param_grads(const H5File& file, const std::string& group, const ParameterStore& store) {
  for (const auto& p : store.parameters()) {
    expect_close(p->var().grad(), file.read_tensor(group + "/grads/" + p->path()),
                 "grad " + p->path());
  }
}

// State (layers*dirs, B, H) from the file as one Var per (layer, direction).
std::vector<Var> split_state(const Tensor& all) {
  std::vector<Var> out;
  for (int64_t i = 0; i < all.dim(0); ++i)
    out.emplace_back(all.slice_rows(i, i + 1).reshape({all.dim(1), all.dim(2)}).clone(), true);
  return out;
}

// One (layers*dirs, B, H) tensor from the per-(layer, direction) values or gradients.
Tensor join(const std::vector<Var>& parts, bool grads) {
  std::vector<int64_t> dims = {static_cast<int64_t>(parts.size())};
  for (int64_t d : parts[0].shape().dims())
    dims.push_back(d);
  Tensor all = Tensor::empty(Shape(dims), DType::F64);
  for (size_t i = 0; i < parts.size(); ++i) {
    Tensor slot = all.slice_rows(static_cast<int64_t>(i), static_cast<int64_t>(i) + 1);
    slot.copy_from(grads ? parts[i].grad() : parts[i].value());
  }
  return all;
}

double dot(const Var& v, const Tensor& r) {
  double s = 0;
  for (int64_t i = 0; i < r.numel(); ++i)
    s += v.value().item(i) * r.item(i);
  return s;
}

void check_rnn_stack(const std::string& group, CellType cell) {
  H5File file = golden();
  const std::string values = group + "/values/";
  Tensor x = file.read_tensor(values + "x");
  RnnStackSpec spec{cell,
                    x.dim(2),
                    file.int_attribute(group, "hidden_size"),
                    file.int_attribute(group, "layers"),
                    file.int_attribute(group, "bidirectional") != 0,
                    0.0,
                    false};
  ParameterStore store;
  RnnStack stack(store, "rnn", spec);
  store.materialize(DType::F64, 0);
  load_params(file, group, store);

  Tape tape;
  ForwardContext ctx = ForwardContext::for_training(tape, 0, 0, 0);
  Var input(x, true);
  RnnState initial;
  initial.h = split_state(file.read_tensor(values + "h0"));
  if (cell == CellType::Lstm) initial.c = split_state(file.read_tensor(values + "c0"));
  RnnStack::Output out = stack.forward(ctx, input, initial);

  expect_close(out.y.value(), file.read_tensor(values + "y"), group + " y");
  expect_close(join(out.state.h, false), file.read_tensor(values + "hT"), group + " hT");
  if (cell == CellType::Lstm)
    expect_close(join(out.state.c, false), file.read_tensor(values + "cT"), group + " cT");
  std::vector<Var> roots = {out.y};
  std::vector<Tensor> seeds = {file.read_tensor(values + "ry")};
  double loss = dot(out.y, seeds[0]);
  // Each final state (layer, direction) k is weighted by slice k of the stored projection.
  auto add_states = [&](const std::vector<Var>& states, const Tensor& r) {
    for (size_t k = 0; k < states.size(); ++k) {
      const auto row = static_cast<int64_t>(k);
      seeds.push_back(r.slice_rows(row, row + 1).reshape(states[k].shape()));
      roots.push_back(states[k]);
      loss += dot(states[k], seeds.back());
    }
  };
  add_states(out.state.h, file.read_tensor(values + "rh"));
  if (cell == CellType::Lstm) add_states(out.state.c, file.read_tensor(values + "rc"));
  EXPECT_NEAR(loss, file.read_tensor(values + "loss").item(), 1e-9);
  tape.backward(roots, seeds);
  expect_close(input.grad(), file.read_tensor(group + "/grads/x"), group + " dx");
  expect_close(join(initial.h, true), file.read_tensor(group + "/grads/h0"), group + " dh0");
  if (cell == CellType::Lstm) {
    expect_close(join(initial.c, true), file.read_tensor(group + "/grads/c0"), group + " dc0");
  }
  expect_param_grads(file, group, store);
}

TEST(GoldenPyTorch, BidirectionalTwoLayerLstm) {
  check_rnn_stack("lstm", CellType::Lstm);
}

TEST(GoldenPyTorch, TwoLayerGru) {
  check_rnn_stack("gru", CellType::Gru);
}

TEST(GoldenPyTorch, BidirectionalTwoLayerVanillaRnn) {
  check_rnn_stack("rnn_tanh", CellType::Rnn);
}

TEST(GoldenPyTorch, TwoLayerReluRnn) {
  check_rnn_stack("rnn_relu", CellType::RnnRelu);
}

TEST(GoldenPyTorch, LstmLanguageModel) {
  H5File file = golden();
  LstmLmConfig config;
  config.embedding_size = file.int_attribute("lm", "embedding_size");
  config.hidden_size = file.int_attribute("lm", "hidden_size");
  config.layers = 2;
  ParameterStore store;
  LstmLm model(config, file.int_attribute("lm", "vocab"), store);
  store.materialize(DType::F64, 0);
  load_params(file, "lm", store);

  Tape tape;
  ForwardContext ctx = ForwardContext::for_training(tape, 0, 0, 0);
  RnnState state;
  state.h = split_state(file.read_tensor("lm/values/h0"));
  state.c = split_state(file.read_tensor("lm/values/c0"));
  LstmLm::Output out = model.forward(ctx, file.read_tensor("lm/values/inputs"), state, Tensor());
  expect_close(out.logits.value(), file.read_tensor("lm/values/logits"), "logits");
  expect_close(join(out.state.h, false), file.read_tensor("lm/values/hT"), "hT");
  expect_close(join(out.state.c, false), file.read_tensor("lm/values/cT"), "cT");
  CrossEntropyResult ce =
      cross_entropy(tape, out.logits, file.read_tensor("lm/values/targets"), {-1});
  EXPECT_NEAR(ce.loss.value().item(), file.read_tensor("lm/values/loss").item(), 1e-12);
  tape.backward(ce.loss);
  expect_param_grads(file, "lm", store);
}

}  // namespace
}  // namespace recur::test
