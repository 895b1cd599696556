// The training workloads of torch_ref.py, built from recur's own models.
#include <memory>
#include <string>
#include <utility>

#include "autograd/ops/loss.h"
#include "bench.h"
#include "core/rng.h"
#include "lstm_lm/lstm_lm.h"
#include "optim/optimizer.h"
#include "seq2seq/seq2seq.h"
#include "transformer/transformer.h"

namespace recur::bench {

namespace {

// (rows, cols) i32 ids below `vocab`, drawn from the test stream `tag`.
Tensor random_ids(int64_t rows, int64_t cols, uint64_t tag, int64_t vocab) {
  RandomStream stream(tag, RngPurpose::Test);
  std::vector<int32_t> ids(static_cast<size_t>(rows * cols));
  for (size_t i = 0; i < ids.size(); ++i)
    ids[i] = static_cast<int32_t>(stream.bits(0, i) % static_cast<uint32_t>(vocab));
  return Tensor::from_vector(ids, {rows, cols});
}

constexpr int64_t kLmBatch = 32, kBptt = 35, kLmLayers = 2;

// A training step's matrix products: the forward's, and twice as many in the backward pass (the
// gradients of both operands of every product).
constexpr double kTrainingFlopsFactor = 3.0;

}  // namespace

struct LmWorkload::State {
  int64_t vocab = 0, size = 0;
  ParameterStore store;
  std::unique_ptr<LstmLm> model;
  std::unique_ptr<Sgd> sgd;
  Tensor inputs, targets;  // (bptt, B): one fixed window, targets shifted by one
  RnnState state;
  Tensor diverged_at;  // the update gate of clip_grad_norm, on the device
  int64_t step = 0;
};

LmWorkload::LmWorkload(int64_t vocab, int64_t size, Device device)
    : Workload(device), state_(std::make_unique<State>()) {
  State& s = *state_;
  s.vocab = vocab;
  s.size = size;
  LstmLmConfig config;
  config.embedding_size = size;
  config.hidden_size = size;
  config.layers = kLmLayers;
  s.model = std::make_unique<LstmLm>(config, vocab, s.store);
  s.store.materialize(DType::F32, 0, device);
  s.sgd = std::make_unique<Sgd>(s.store, SgdOptions{});
  s.diverged_at = Tensor::zeros({1}, DType::F64, device);
  const Tensor window = random_ids(kBptt + 1, kLmBatch, 0, vocab);  // (bptt + 1, B)
  s.inputs = window.slice_rows(0, kBptt).clone();
  s.targets = window.slice_rows(1, kBptt + 1).clone();
  s.state = s.model->zero_state(kLmBatch, DType::F32);
}

LmWorkload::~LmWorkload() = default;

ParameterStore& LmWorkload::store() {
  return state_->store;
}

std::string LmWorkload::description() const {
  return concat("lm: ", kLmLayers, " x ", state_->size, " LSTM, embeddings ", state_->size,
                ", vocab ", state_->vocab, ", batch ", kLmBatch, ", bptt ", kBptt,
                ", SGD, clip 0.25");
}

int64_t LmWorkload::tokens_per_step() const {
  return kLmBatch * kBptt;
}

double LmWorkload::flops_per_token() const {
  return kTrainingFlopsFactor * state_->model->forward_flops_per_token();
}

void LmWorkload::step() {
  State& s = *state_;
  s.store.zero_grad();
  Tape tape;
  const ForwardContext ctx = ForwardContext::for_training(tape, 0, ++s.step, 0);
  LstmLm::Output out = s.model->forward(ctx, s.inputs, s.state, Tensor());
  tape.backward(cross_entropy(tape, out.logits, s.targets, {}).loss);
  s.state = out.state.detached();
  clip_grad_norm(s.store, 0.25, s.step, s.diverged_at);
  s.sgd->step(1.0, s.diverged_at);
}

namespace {

constexpr int64_t kS2sVocab = 8000, kS2sBatch = 64, kS2sLength = 32;

Seq2SeqConfig bench_seq2seq_config() {
  Seq2SeqConfig c;
  c.embedding_size = 256;
  c.encoder_layers = 2;
  c.encoder_hidden = 256;
  c.bidirectional = true;
  c.decoder_layers = 2;
  c.decoder_hidden = 512;
  c.dropout = 0.0;
  c.attention = AttentionType::LuongGeneral;
  c.input_feeding = true;
  c.bridge = BridgeType::Zeros;
  c.label_smoothing = 0.0;
  return c;
}

TransformerConfig bench_transformer_config() {
  TransformerConfig c;
  c.model_size = 512;
  c.heads = 8;
  c.feed_forward_size = 2048;
  c.encoder_layers = 3;
  c.decoder_layers = 3;
  c.dropout = 0.0;
  c.pre_norm = false;  // nn.Transformer's default
  c.tie_embeddings = false;
  c.label_smoothing = 0.0;
  return c;
}

// The translation workloads' batch: random ids, source and target length 32, no padding.
Seq2SeqBatch random_translation_batch() {
  Seq2SeqBatch batch;
  const Tensor target = random_ids(kS2sLength + 1, kS2sBatch, 2, kS2sVocab);  // (T + 1, B)
  batch.source = random_ids(kS2sLength, kS2sBatch, 1, kS2sVocab);             // (S, B)
  batch.source_lengths = Tensor::full({kS2sBatch}, DType::I32, static_cast<double>(kS2sLength));
  batch.target_in = target.slice_rows(0, kS2sLength).clone();
  batch.target_out = target.slice_rows(1, kS2sLength + 1).clone();
  batch.target_tokens = kS2sLength * kS2sBatch;
  return batch;
}

}  // namespace

struct TranslationWorkload::State {
  std::string name, description;
  double flops_per_token = 0;
  double clip_norm = 0;  // 0: none
  double lr = 0;
  ParameterStore store;
  std::unique_ptr<TranslationModel> model;
  std::unique_ptr<Adam> adam;
  Seq2SeqBatch batch = random_translation_batch();
  Tensor diverged_at;  // the update gate of clip_grad_norm, on the device
  int64_t step = 0;

  template <class Model, class Config>
  void build(const Config& config, Device device) {
    auto built = std::make_unique<Model>(config, kS2sVocab, kS2sVocab, store);
    flops_per_token = kTrainingFlopsFactor * built->forward_flops(kS2sLength, kS2sLength) /
                      static_cast<double>(kS2sLength);
    model = std::move(built);
    store.materialize(DType::F32, 0, device);
    adam = std::make_unique<Adam>(store, AdamOptions{});
    diverged_at = Tensor::zeros({1}, DType::F64, device);
  }
};

TranslationWorkload::TranslationWorkload(std::unique_ptr<State> state, Device device)
    : Workload(device), state_(std::move(state)) {}

TranslationWorkload::~TranslationWorkload() = default;

std::string TranslationWorkload::name() const {
  return state_->name;
}

std::string TranslationWorkload::description() const {
  return state_->description;
}

int64_t TranslationWorkload::tokens_per_step() const {
  return kS2sBatch * kS2sLength;
}

double TranslationWorkload::flops_per_token() const {
  return state_->flops_per_token;
}

// Forward, backward, gradient clipping and the Adam update.
void TranslationWorkload::step() {
  State& s = *state_;
  s.store.zero_grad();
  Tape tape;
  const ForwardContext ctx = ForwardContext::for_training(tape, 0, ++s.step, 0);
  const Var logits = s.model->forward(ctx, s.batch);
  tape.backward(cross_entropy(tape, logits, s.batch.target_out, {}).loss);
  if (s.clip_norm > 0) clip_grad_norm(s.store, s.clip_norm, s.step, s.diverged_at);
  s.adam->step(s.lr, s.diverged_at);
}

std::unique_ptr<TranslationWorkload> TranslationWorkload::seq2seq(Device device) {
  const Seq2SeqConfig c = bench_seq2seq_config();
  auto s = std::make_unique<State>();
  s->name = "seq2seq";
  s->description =
      concat("seq2seq: embeddings ", c.embedding_size, ", ", c.encoder_layers, " x ",
             c.encoder_hidden, " bidirectional LSTM encoder, ", c.decoder_layers, " x ",
             c.decoder_hidden, " LSTM decoder, Luong general attention with input feeding, vocab ",
             kS2sVocab, ", batch ", kS2sBatch, ", lengths ", kS2sLength, ", Adam, clip 5");
  s->clip_norm = 5.0;
  s->lr = 1e-3;
  s->build<Seq2Seq>(c, device);
  return std::unique_ptr<TranslationWorkload>(new TranslationWorkload(std::move(s), device));
}

std::unique_ptr<TranslationWorkload> TranslationWorkload::transformer(Device device) {
  const TransformerConfig c = bench_transformer_config();
  auto s = std::make_unique<State>();
  s->name = "transformer";
  s->description = concat("transformer: d_model ", c.model_size, ", ", c.heads, " heads, ",
                          c.encoder_layers, "+", c.decoder_layers, " layers, feed-forward ",
                          c.feed_forward_size, ", post-norm, vocab ", kS2sVocab, ", batch ",
                          kS2sBatch, ", lengths ", kS2sLength, ", Adam, no dropout");
  s->clip_norm = 0.0;  // nn.Transformer's workload does not clip
  s->lr = 1e-4;
  s->build<Transformer>(c, device);
  return std::unique_ptr<TranslationWorkload>(new TranslationWorkload(std::move(s), device));
}

}  // namespace recur::bench
