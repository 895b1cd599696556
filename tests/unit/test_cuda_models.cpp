// Layers and whole models on a GPU against the CPU: the same inputs (and, for models, the same
// parameters and batch) on both devices. Layers: every autograd op's outputs and input gradients.
// Models: one training step with SGD (loss, every parameter's gradient, the parameters after the
// update) and three with Adam (the losses; the gradients of the third step within 100 times the
// bound). Compared norm-wise, ||gpu - cpu|| / ||cpu||: at most 1e-5 in f32 (no TF32) and 1e-10 in
// f64. Skips without a GPU, saying why.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "autograd/ops/loss.h"
#include "dmn/dmn.h"
#include "lstm_lm/lstm_lm.h"
#include "optim/optimizer.h"
#include "seq2seq/seq2seq.h"
#include "skipgram/skipgram.h"
#include "test_util.h"
#include "transformer/transformer.h"
#include "transformer/transformer_lm.h"

namespace recur::test {
namespace {

class GpuParity : public GpuTest {
 protected:
  double tolerance() const { return dtype() == DType::F32 ? 1e-5 : 1e-10; }
  void expect_close(const Tensor& gpu_result, const Tensor& cpu_result, const std::string& what,
                    double slack = 1.0) const {
    ASSERT_EQ(gpu_result.shape(), cpu_result.shape()) << what;
    EXPECT_LE(norm_relative_error(gpu_result, cpu_result), slack * tolerance()) << what;
  }
};

// ---- Layers: every autograd op -------------------------------------------------------------

// An op under test: its outputs for `inputs` (on the device the test runs it on).
using Op = std::function<std::vector<Var>(Tape&, const std::vector<Var>&, Device)>;

class OpParity : public GpuParity {
 protected:
  // Runs `op` on CPU and GPU copies of `inputs` (all requiring gradients), seeds every output's
  // gradient with the same random values, and compares the outputs and the inputs' gradients.
  void expect_parity(const std::string& name, const std::vector<Tensor>& inputs, const Op& op) {
    SCOPED_TRACE(name);
    std::vector<Tensor> outputs[2], grads[2];
    for (int side = 0; side < 2; ++side) {
      const Device device = side == 0 ? Device::cpu() : gpu();
      std::vector<Var> vars;
      for (const Tensor& t : inputs)
        vars.emplace_back(t.to(device), true);
      Tape tape;
      const std::vector<Var> out = op(tape, vars, device);
      std::vector<Tensor> seeds;
      for (size_t i = 0; i < out.size(); ++i) {
        seeds.push_back(random(out[i].shape(), 900 + i).to(device));
        outputs[side].push_back(out[i].value().to(Device::cpu()));
      }
      tape.backward(out, seeds);
      for (const Var& v : vars) {
        grads[side].push_back(v.has_grad() ? v.grad().to(Device::cpu())
                                           : Tensor::zeros(v.shape(), dtype()));
      }
    }
    for (size_t i = 0; i < outputs[0].size(); ++i)
      expect_close(outputs[1][i], outputs[0][i], concat("output ", i));
    for (size_t i = 0; i < grads[0].size(); ++i)
      expect_close(grads[1][i], grads[0][i], concat("gradient of input ", i));
  }
};

TEST_P(OpParity, ElementwiseAndMatrixProducts) {
  const Tensor a = random({6, 35}, 1), b = random({6, 35}, 2), bias = random({35}, 3);
  expect_parity("add mul scale", {a, b}, [](Tape& t, const std::vector<Var>& x, Device) {
    return std::vector<Var>{add(t, x[0], x[1]), mul(t, x[0], x[1]), scale(t, x[0], -0.75)};
  });
  expect_parity("activations", {a, bias}, [](Tape& t, const std::vector<Var>& x, Device) {
    const Var biased = add_bias(t, x[0], x[1]);
    return std::vector<Var>{sigmoid(t, biased), tanh(t, biased), relu(t, biased)};
  });
  const Tensor w = random({20, 35}, 4, 0.3), wb = random({20}, 5);
  expect_parity("linear", {a, w, wb}, [](Tape& t, const std::vector<Var>& x, Device) {
    return std::vector<Var>{linear(t, x[0], x[1], x[2]), linear(t, x[0], x[1], Var())};
  });
  expect_parity("matmul", {a, random({35, 6}, 6)}, [](Tape& t, const std::vector<Var>& x, Device) {
    return std::vector<Var>{matmul(t, x[0], x[1]), matmul(t, x[1], x[0], true, true)};
  });
}

TEST_P(OpParity, ShapesAndReductions) {
  const Tensor x = random({4, 3, 10}, 7), y = random({4, 3, 6}, 8);
  expect_parity("concat slice swap reshape", {x, y},
                [](Tape& t, const std::vector<Var>& v, Device) {
                  const Var joined = concat(t, {v[0], v[1]}, -1);  // (4, 3, 16)
                  return std::vector<Var>{joined,
                                          slice(t, joined, 2, 5, 13),
                                          slice(t, v[0], 0, 1, 3),
                                          swap_leading(t, v[1]),
                                          reshape(t, v[0], {12, 10}),
                                          concat(t, {v[0], v[0]}, 1)};
                });
  expect_parity("sum mean", {x}, [](Tape& t, const std::vector<Var>& v, Device) {
    return std::vector<Var>{sum(t, v[0]), mean(t, v[0])};
  });
}

TEST_P(OpParity, SoftmaxLossEmbeddingDropout) {
  const Tensor logits = random({9, 23}, 9, 2.0);
  expect_parity("softmax", {logits}, [](Tape& t, const std::vector<Var>& v, Device) {
    return std::vector<Var>{softmax(t, v[0]), log_softmax(t, v[0])};
  });
  Tensor targets = random_ids({9}, 10, 23);
  targets.data<int32_t>()[4] = -1;  // ignored
  for (double smoothing : {0.0, 0.1}) {
    expect_parity(
        concat("cross_entropy, smoothing ", smoothing), {logits},
        [&](Tape& t, const std::vector<Var>& v, Device) {
          return std::vector<Var>{cross_entropy(t, v[0], targets, {-1, smoothing, 0.0}).loss};
        });
  }
  const Tensor ids = random_ids({5, 4}, 11, 30);
  expect_parity(
      "embedding", {random({30, 12}, 12)}, [&](Tape& t, const std::vector<Var>& v, Device device) {
        return std::vector<Var>{embedding(t, v[0], ids), embedding(t, v[0], ids.to(device))};
      });
  Tensor weights = Tensor::full({5, 3}, dtype(), 1.0);
  weights.view(7, {1}).fill(0.0);  // an empty slot
  expect_parity("negative_sampling_loss", {random({5, 12}, 14), random({5, 3, 4, 12}, 15)},
                [&](Tape& t, const std::vector<Var>& v, Device) {
                  return std::vector<Var>{negative_sampling_loss(t, v[0], v[1], weights, 0.0).loss};
                });
  expect_parity("dropout", {random({5, 4, 12}, 13)},
                [](Tape& t, const std::vector<Var>& v, Device) {
                  const RandomStream stream(3, RngPurpose::Dropout, 1, 2);
                  return std::vector<Var>{dropout(t, v[0], {0.3, stream, 7, 2})};
                });
}

TEST_P(OpParity, LayerNormAndAttention) {
  expect_parity("layer_norm", {random({7, 24}, 14), random({24}, 15), random({24}, 16)},
                [](Tape& t, const std::vector<Var>& v, Device) {
                  return std::vector<Var>{layer_norm(t, v[0], v[1], v[2])};
                });
  const Tensor key_lengths = Tensor::from_vector<int32_t>({5, 3}, {2});
  for (bool causal : {false, true}) {
    expect_parity(concat("multi_head_attention, causal ", causal),
                  {random({2, 5, 12}, 17), random({2, 5, 12}, 18), random({2, 5, 8}, 19)},
                  [&](Tape& t, const std::vector<Var>& v, Device) {
                    return std::vector<Var>{
                        multi_head_attention(t, v[0], v[1], v[2], key_lengths, 4, causal).out};
                  });
  }
  const Tensor lengths = Tensor::from_vector<int32_t>({6, 2, 4}, {3});
  expect_parity(
      "attention_step dot", {random({3, 10}, 20), random({3, 6, 10}, 21), random({3, 6, 7}, 22)},
      [&](Tape& t, const std::vector<Var>& v, Device) {
        return std::vector<Var>{
            attention_step(t, v[0], v[1], v[2], lengths, AttentionScore::Dot, Var()).context};
      });
  expect_parity(
      "attention_step additive",
      {random({3, 10}, 23), random({3, 6, 10}, 24), random({3, 6, 7}, 25), random({10}, 26)},
      [&](Tape& t, const std::vector<Var>& v, Device) {
        return std::vector<Var>{
            attention_step(t, v[0], v[1], v[2], lengths, AttentionScore::Additive, v[3]).context};
      });
}

// One recurrent layer of `cell` over v = x, h0, c0 (unused but by the LSTM) and its outputs.
std::vector<Var> layer_outputs(Tape& t, CellType cell, const std::vector<Var>& v,
                               const RnnWeights& w, const RnnLayerOptions& options) {
  switch (cell) {
    case CellType::Lstm: {
      const LstmOutputs o = lstm_layer(t, v[0], v[1], v[2], w, options);
      return {o.y, o.h, o.c};
    }
    case CellType::Gru: {
      const RnnOutputs o = gru_layer(t, v[0], v[1], w, options);
      return {o.y, o.h};
    }
    case CellType::Rnn:
    case CellType::RnnRelu: {
      const Activation f = cell == CellType::Rnn ? Activation::Tanh : Activation::Relu;
      const RnnOutputs o = rnn_layer(t, v[0], v[1], w, options, f);
      return {o.y, o.h};
    }
  }
  return {};
}

TEST_P(OpParity, RecurrentLayersWithPaddingAndResets) {
  const int64_t T = 6, B = 4, I = 9, H = 11;
  const Tensor lengths = Tensor::from_vector<int32_t>({6, 3, 5, 1}, {B});
  Tensor keep = Tensor::full({T, B}, dtype(), 1.0);
  for (int64_t i : {5, 14})  // resets at (t 1, b 1) and (t 3, b 2)
    keep.view(i, {1}).fill(0.0);
  for (bool reverse : {false, true}) {
    for (CellType cell : {CellType::Lstm, CellType::Gru, CellType::Rnn, CellType::RnnRelu}) {
      const RnnStackSpec spec{cell};
      const int64_t gates = spec.gates();
      const std::vector<Tensor> inputs = {random({T, B, I}, 30),
                                          random({B, H}, 31),
                                          random({B, H}, 32),
                                          random({gates * H, I}, 33, 0.3),
                                          random({gates * H, H}, 34, 0.3),
                                          random({gates * H}, 35),
                                          random({gates * H}, 36),
                                          random({H}, 37),
                                          random({H}, 38)};
      // 0: padding; 1: resets to zeros; 2: resets to learned states v[7] (and c: v[8]).
      for (int resets : {0, 1, 2}) {
        if (resets > 0 && reverse) continue;  // state resets belong to forward language models
        expect_parity(concat(cell_name(cell), "_layer, reverse ", reverse, ", resets ", resets),
                      inputs, [&](Tape& t, const std::vector<Var>& v, Device device) {
                        const RnnWeights w{v[3], v[4], v[5], v[6]};
                        RnnLayerOptions options{reverse,
                                                resets > 0 ? keep.to(device) : Tensor(),
                                                resets > 0 ? Tensor() : lengths,
                                                {}};
                        if (resets == 2) {
                          options.resets = StateResets::from_keep(keep, device);
                          options.resets.h = v[7];
                          if (cell == CellType::Lstm) options.resets.c = v[8];
                        }
                        return layer_outputs(t, cell, v, w, options);
                      });
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Dtypes, OpParity, ::testing::Values(DType::F32, DType::F64));

// ---- Whole models: training steps ------------------------------------------------------------

// A model under test: declares its parameters in the store and returns the loss of its fixed
// batch for a forward context.
using LossOf = std::function<Var(const ForwardContext&)>;
using BuildModel = std::function<LossOf(ParameterStore&)>;

// What a few training steps leave behind, on the host.
struct Trace {
  std::vector<double> losses;                         // each step's
  std::vector<std::pair<std::string, Tensor>> grads;  // each parameter's, of the last step
  Tensor params;                                      // the flat buffer after the last update
};

Trace train(const BuildModel& build, Device device, DType dtype, bool adam, int steps) {
  ParameterStore store;
  const LossOf loss_of = build(store);
  store.materialize(dtype, 7, device);
  std::unique_ptr<Optimizer> optimizer;
  if (adam) {
    optimizer = std::make_unique<Adam>(store, AdamOptions{});
  } else {
    optimizer = std::make_unique<Sgd>(store, SgdOptions{});
  }
  Trace trace;
  for (int step = 1; step <= steps; ++step) {
    store.zero_grad();
    Tape tape;
    const ForwardContext ctx = ForwardContext::for_training(tape, 5, step, 0);  // dropout on
    const Var loss = loss_of(ctx);
    tape.backward(loss);
    trace.losses.push_back(loss.value().item());
    optimizer->step(adam ? 1e-3 : 0.5);
  }
  for (const auto& p : store.parameters())
    trace.grads.emplace_back(p->path(), p->var().grad().to(Device::cpu()));
  trace.params = store.values().to(Device::cpu());
  return trace;
}

class ModelParity : public GpuParity {
 protected:
  void expect_parity(const BuildModel& build) {
    for (bool adam : {false, true}) {
      SCOPED_TRACE(adam ? "Adam, three steps" : "SGD, one step");
      const int steps = adam ? 3 : 1;
      const Trace on_cpu = train(build, Device::cpu(), dtype(), adam, steps);
      const Trace on_gpu = train(build, gpu(), dtype(), adam, steps);
      for (int s = 0; s < steps; ++s) {
        EXPECT_NEAR(on_gpu.losses[static_cast<size_t>(s)], on_cpu.losses[static_cast<size_t>(s)],
                    tolerance() * std::abs(on_cpu.losses[static_cast<size_t>(s)]))
            << "loss of step " << s + 1;
      }
      // Adam moves a parameter whose gradient is rounding noise by a whole step, in the direction
      // of the noise's sign: after its steps the gradients may differ by more than the bound.
      const double slack = adam ? 100.0 : 1.0;
      for (size_t i = 0; i < on_cpu.grads.size(); ++i) {
        expect_close(on_gpu.grads[i].second, on_cpu.grads[i].second, on_cpu.grads[i].first, slack);
      }
      if (!adam) expect_close(on_gpu.params, on_cpu.params, "parameters after the SGD step");
    }
  }
};

TEST_P(ModelParity, RecurrentLanguageModels) {
  const int64_t vocab = 40, T = 9, B = 6;
  const Tensor ids = random_ids({T, B}, 40, vocab), targets = random_ids({T, B}, 41, vocab);
  Tensor keep = Tensor::full({T, B}, dtype(), 1.0);
  keep.view(2 * B + 3, {1}).fill(0.0);  // a document starts at (t 2, b 3)
  for (CellType cell : {CellType::Lstm, CellType::Gru, CellType::Rnn}) {
    SCOPED_TRACE(cell_name(cell));
    expect_parity([&](ParameterStore& store) -> LossOf {
      LstmLmConfig c;
      c.cell = cell;
      c.embedding_size = 24;
      c.hidden_size = cell == CellType::Lstm ? 24 : 32;
      c.tie_embeddings = cell == CellType::Lstm;  // hidden size = embedding size
      c.layers = 2;
      c.dropout = 0.2;
      c.embedding_dropout = 0.1;
      c.output_dropout = 0.2;
      auto model = std::make_shared<LstmLm>(c, vocab, store);
      return [=](const ForwardContext& ctx) {
        const Var logits = model->forward(ctx, ids, {}, keep).logits;
        return cross_entropy(ctx.tape, logits, targets, {}).loss;
      };
    });
  }
}

TEST_P(ModelParity, TransformerLanguageModel) {
  const int64_t vocab = 30, T = 8, B = 3;
  const Tensor ids = random_ids({T, B}, 42, vocab), targets = random_ids({T, B}, 43, vocab);
  expect_parity([&](ParameterStore& store) -> LossOf {
    TransformerConfig c;
    c.model_size = 16;
    c.heads = 4;
    c.feed_forward_size = 24;
    c.layers = 2;
    c.dropout = 0.1;
    c.max_positions = T;
    auto model = std::make_shared<TransformerLm>(c, vocab, T, store);
    return [=](const ForwardContext& ctx) {
      const Var logits = model->forward(ctx, ids, {}, Tensor()).logits;
      return cross_entropy(ctx.tape, logits, targets, {}).loss;
    };
  });
}

// Skip-gram over the sample's first verses: both tables through the fused loss.
TEST_P(ModelParity, SkipGram) {
  std::vector<int32_t> ids = {Vocab::kBos};
  for (int32_t i = 0; i < 60; ++i)
    ids.push_back(4 + (i * 7) % 19);
  ids.push_back(Vocab::kEos);
  const TokenSequence text = TokenSequence::of(ids, std::vector<int32_t>(ids.size(), 1));
  SkipGramConfig c;
  c.embedding_size = 16;
  c.sampling.window = 3;
  c.sampling.subsample = 0.0;
  std::vector<int64_t> centres;
  for (int64_t i = 0; i < 40; i += 3)
    centres.push_back(i);
  const ContextBatch batch =
      ContextSampler(c.sampling, text, 23, 1).batch(text, centres, 0, dtype());
  expect_parity([&](ParameterStore& store) -> LossOf {
    auto model = std::make_shared<SkipGram>(c, 23, store);
    return [=](const ForwardContext& ctx) { return model->loss(ctx.tape, batch, 0.0).loss; };
  });
}

// The DMN over stories of 3, 1 and 2 facts (padded), dropout on, two passes.
TEST_P(ModelParity, DynamicMemoryNetwork) {
  const std::vector<QaItem> items = {{{{4, 5, 6}, {7, 8}, {9, 4, 5, 6}}, {4, 5, 9}, 6},
                                     {{{8, 9}}, {5, 7}, 8},
                                     {{{6, 7, 8, 9, 4}, {5}}, {9, 8, 7, 6}, 4}};
  const QaBatch batch = make_qa_batch({&items[0], &items[1], &items[2]});
  DmnConfig c;
  c.embedding_size = 8;
  c.hidden_size = 12;
  c.passes = 2;
  c.dropout = 0.2;
  expect_parity([&](ParameterStore& store) -> LossOf {
    auto model = std::make_shared<Dmn>(c, 10, store);
    return [=](const ForwardContext& ctx) {
      return cross_entropy(ctx.tape, model->forward(ctx, batch).logits, batch.answers, {}).loss;
    };
  });
}

// Every attention variant over a padded batch, with dropout and label smoothing.
TEST_P(ModelParity, Seq2SeqModels) {
  const Seq2SeqBatch batch = make_batch(tiny_parallel_data(), {0, 1, 2}, false);
  const struct {
    const char* name;
    AttentionType attention;
    bool feeding;
    CellType cell;
  } variants[] = {
      {"bahdanau", AttentionType::Bahdanau, false, CellType::Lstm},
      {"luong general, input feeding", AttentionType::LuongGeneral, true, CellType::Lstm},
      {"luong dot, gru", AttentionType::LuongDot, false, CellType::Gru},
      {"luong local-p, input feeding", AttentionType::LuongLocalP, true, CellType::Lstm},
      {"luong local-m, vanilla rnn", AttentionType::LuongLocalM, false, CellType::Rnn}};
  for (const auto& v : variants) {
    SCOPED_TRACE(v.name);
    expect_parity([&](ParameterStore& store) -> LossOf {
      Seq2SeqConfig c;
      c.embedding_size = 12;
      c.encoder_layers = 2;
      c.encoder_hidden = 8;
      c.decoder_layers = 2;
      c.decoder_hidden = 16;  // = encoder output (2 directions x 8), as luong_dot needs
      c.dropout = 0.2;
      c.attention = v.attention;
      c.input_feeding = v.feeding;
      c.cell = v.cell;
      c.label_smoothing = 0.1;
      c.local_window = 2;
      auto model = std::make_shared<Seq2Seq>(c, 10, 10, store);
      return [=](const ForwardContext& ctx) {
        const Var logits = model->forward(ctx, batch);
        return cross_entropy(ctx.tape, logits, batch.target_out, {-1, 0.1}).loss;
      };
    });
  }
}

TEST_P(ModelParity, Transformer) {
  const Seq2SeqBatch batch = make_batch(tiny_parallel_data(), {0, 1, 2}, false);
  for (bool pre_norm : {false, true}) {
    SCOPED_TRACE(pre_norm ? "pre-norm" : "post-norm");
    expect_parity([&](ParameterStore& store) -> LossOf {
      TransformerConfig c;
      c.model_size = 16;
      c.heads = 4;
      c.feed_forward_size = 24;
      c.encoder_layers = 2;
      c.decoder_layers = 2;
      c.dropout = 0.1;
      c.pre_norm = pre_norm;
      c.max_positions = 16;
      c.label_smoothing = 0.1;
      auto model = std::make_shared<Transformer>(c, 10, 10, store);
      return [=](const ForwardContext& ctx) {
        const Var logits = model->forward(ctx, batch);
        return cross_entropy(ctx.tape, logits, batch.target_out, {-1, 0.1}).loss;
      };
    });
  }
}

INSTANTIATE_TEST_SUITE_P(Dtypes, ModelParity, ::testing::Values(DType::F32, DType::F64));

}  // namespace
}  // namespace recur::test
