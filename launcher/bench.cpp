#include "bench.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "autograd/ops/loss.h"
#include "checkpoint/checkpoint.h"
#include "core/error.h"
#include "kernels/cpu/blas.h"
#include "lstm_lm/lstm_lm.h"
#include "optim/optimizer.h"

namespace recur::bench {

namespace {

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

constexpr int64_t kBatch = 32, kBptt = 35, kLayers = 2;

// The number after `"key": ` in a JSON line, or 0.
double json_number(const std::string& line, const std::string& key) {
  const std::string pattern = "\"" + key + "\": ";
  const size_t at = line.find(pattern);
  return at == std::string::npos ? 0.0 : std::strtod(line.c_str() + at + pattern.size(), nullptr);
}

}  // namespace

double median(std::vector<double> values) {
  RECUR_ASSERT(!values.empty(), "median of nothing");
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

std::vector<double> gemm_gflops(int64_t n, int repeats) {
  Tensor a = Tensor::full({n, n}, DType::F32, 0.5), b = Tensor::full({n, n}, DType::F32, 0.25);
  Tensor c = Tensor::zeros({n, n}, DType::F32);
  auto multiply = [&] {
    cpu::gemm<float>(false, false, n, n, n, 1.0f, a.data<float>(), b.data<float>(), 0.0f,
                     c.data<float>());
  };
  multiply();
  multiply();
  std::vector<double> out;
  for (int r = 0; r < repeats; ++r) {
    const double start = now_s();
    multiply();
    out.push_back(2.0 * static_cast<double>(n * n * n) / (now_s() - start) / 1e9);
  }
  return out;
}

struct LmWorkload::State {
  int64_t vocab = 0, size = 0;
  ParameterStore store;
  std::unique_ptr<LstmLm> model;
  std::unique_ptr<Sgd> sgd;
  Tensor inputs, targets;
  RnnState state;
  int64_t step = 0;
};

LmWorkload::LmWorkload(int64_t vocab, int64_t size) : state_(std::make_unique<State>()) {
  state_->vocab = vocab;
  state_->size = size;
  LstmLmConfig config;
  config.embedding_size = size;
  config.hidden_size = size;
  config.layers = kLayers;
  state_->model = std::make_unique<LstmLm>(config, vocab, state_->store);
  state_->store.materialize(DType::F32, 0);
  state_->sgd = std::make_unique<Sgd>(state_->store, SgdOptions{});
  // Random ids as torch_ref.py: one fixed window of bptt + 1 steps, inputs and shifted targets.
  RandomStream stream(0, RngPurpose::Test);
  std::vector<int32_t> ids(static_cast<size_t>((kBptt + 1) * kBatch));
  for (size_t i = 0; i < ids.size(); ++i)
    ids[i] = static_cast<int32_t>(stream.bits(0, i) % static_cast<uint32_t>(vocab));
  state_->inputs =
      Tensor::from_vector(std::vector<int32_t>(ids.begin(), ids.end() - kBatch), {kBptt, kBatch});
  state_->targets =
      Tensor::from_vector(std::vector<int32_t>(ids.begin() + kBatch, ids.end()), {kBptt, kBatch});
  state_->state = state_->model->zero_state(kBatch, DType::F32);
}

LmWorkload::~LmWorkload() = default;

ParameterStore& LmWorkload::store() { return state_->store; }

int64_t LmWorkload::tokens_per_step() const {
  return kBatch * kBptt;
}

double LmWorkload::flops_per_token() const {
  const auto h = static_cast<double>(state_->size), e = h, v = static_cast<double>(state_->vocab);
  const double forward = 2.0 * 4.0 * h * (e + h) + 2.0 * 4.0 * h * (h + h) + 2.0 * h * v;
  return 3.0 * forward;  // backward: twice the forward's products
}

Measurement LmWorkload::round(int steps) {
  State& s = *state_;
  const double start = now_s();
  for (int i = 0; i < steps; ++i) {
    s.store.zero_grad();
    Tape tape;
    ForwardContext ctx{tape, true, 0, ++s.step, 0};
    LstmLm::Output out = s.model->forward(ctx, s.inputs, s.state, Tensor());
    tape.backward(cross_entropy(tape, out.logits, s.targets, {}).loss);
    s.state = out.state.detached();
    clip_grad_norm(s.store, 0.25);
    s.sgd->step(1.0);
  }
  const double seconds = (now_s() - start) / steps;
  return {static_cast<double>(tokens_per_step()) / seconds, seconds * 1e3};
}

namespace {

// Seconds `dd if=/dev/zero of=<file> bs=4M count=<n> conv=fsync` takes to write `bytes`.
double dd_seconds(const std::string& file, int64_t bytes) {
  const int64_t blocks = (bytes + (4 << 20) - 1) / (4 << 20);
  const std::string command =
      concat("dd if=/dev/zero of='", file, "' bs=4M count=", blocks, " conv=fsync status=none");
  const double start = now_s();
  RECUR_CHECK(std::system(command.c_str()) == 0, "dd failed: ", command);
  const double seconds = now_s() - start;
  std::filesystem::remove(file);
  return seconds * static_cast<double>(bytes) / static_cast<double>(blocks * (4 << 20));
}

}  // namespace

CheckpointBench run_checkpoint_bench(const std::string& directory, int rounds) {
  namespace fs = std::filesystem;
  fs::create_directories(directory);
  // 77 M parameters (309 MB): vocabulary 20k, embeddings and 2 LSTM layers of 1280.
  LmWorkload model(20000, 1280);
  ParameterStore& store = model.store();
  const Tensor moment = Tensor::zeros(store.values().shape(), DType::F32);
  const std::vector<FlatBuffer> buffers = {{"params", store.values()}, {"optim/exp_avg", moment},
                                           {"optim/exp_avg_sq", moment}};
  CheckpointBench result;
  result.model_bytes = store.values().numel() * 4;
  CheckpointWriter writer({directory, 0, 1, "bench", 600});
  TrainingState state;
  model.round(1);  // warm-up
  std::vector<double> dd, sync, stall, step, step_async;
  for (int r = 0; r < rounds; ++r) {
    state.step = 2 * r + 1;
    double start = now_s();
    writer.write(store, buffers, state, false, {}, 0, 0);
    sync.push_back(now_s() - start);
    const std::string written = (fs::path(directory) / checkpoint_name(state.step)).string();
    result.checkpoint_bytes = 0;
    for (const auto& f : fs::directory_iterator(written)) result.checkpoint_bytes += static_cast<int64_t>(f.file_size());
    fs::remove_all(written);
    dd.push_back(dd_seconds((fs::path(directory) / "dd.bin").string(), result.checkpoint_bytes));

    state.step = 2 * r + 2;
    start = now_s();
    writer.write(store, buffers, state, true, {}, 0, 0);
    double waited = now_s() - start;
    const double step_start = now_s();
    model.round(1);  // training goes on while the checkpoint is written
    waited += writer.snapshot_taken();  // before the optimiser step, as the trainer does
    step_async.push_back(now_s() - step_start);
    stall.push_back(waited);
    writer.wait();
    fs::remove_all(fs::path(directory) / checkpoint_name(state.step));
    step.push_back(1e-3 * model.round(1).ms_per_step);
  }
  const double mb = static_cast<double>(result.checkpoint_bytes) / (1 << 20);
  result.sync_s = median(sync);
  result.write_mb_s = mb / result.sync_s;
  result.dd_mb_s = mb / median(dd);
  result.stall_s = median(stall);
  result.step_s = median(step);
  result.step_async_s = median(step_async);
  return result;
}

TorchResult run_torch_reference(const std::string& python, const std::string& script, int threads,
                                int steps, const std::vector<std::string>& workloads) {
  std::string command = concat(python, " '", script, "' --threads ", threads, " --steps ", steps);
  for (const std::string& w : workloads)
    command += " " + w;
  command += " 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  RECUR_CHECK(pipe != nullptr, "cannot run ", command);
  TorchResult result;
  std::string output;
  char buffer[4096];
  while (std::fgets(buffer, sizeof(buffer), pipe.get())) {
    const std::string line = buffer;
    output += line;
    if (line.find("\"workload\": \"lm\"") != std::string::npos) {
      result.tokens_per_s = json_number(line, "tokens_per_s");
    } else if (line.find("\"workload\": \"gemm\"") != std::string::npos) {
      result.gemm_gflops = json_number(line, "gflops");
    }
  }
  const int status = pclose(pipe.release());
  RECUR_CHECK(status == 0, "the PyTorch reference failed (", command, "):\n", output);
  return result;
}

}  // namespace recur::bench
