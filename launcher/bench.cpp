#include "bench.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "checkpoint/checkpoint.h"
#include "core/error.h"
#include "core/gpu.h"
#include "core/json.h"
#include "kernels/dispatch.h"

namespace recur::bench {

namespace {

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

double median(std::vector<double> values) {
  RECUR_ASSERT(!values.empty(), "median of nothing");
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

std::vector<double> gemm_gflops(int64_t n, int repeats, Device device) {
  const Tensor a = Tensor::full({n, n}, DType::F32, 0.5, device);
  const Tensor b = Tensor::full({n, n}, DType::F32, 0.25, device);
  Tensor c = Tensor::zeros({n, n}, DType::F32, device);
  auto multiply = [&] {
    kernels::gemm<float>(device, false, false, n, n, n, 1.0f, a.device_data<float>(),
                         b.device_data<float>(), 0.0f, c.device_data<float>());
    gpu::synchronize(device);
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

Measurement Workload::round(int steps) {
  gpu::synchronize(device_);
  const double start = now_s();
  for (int i = 0; i < steps; ++i)
    step();
  gpu::synchronize(device_);
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
  const std::vector<FlatBuffer> buffers = {
      {"params", store.values()}, {"optim/exp_avg", moment}, {"optim/exp_avg_sq", moment}};
  CheckpointBench result;
  result.model_bytes = store.values().numel() * 4;
  CheckpointWriter writer({directory, 0, 1, "bench", 600});
  TrainingState state;
  model.round(1);  // warm-up
  std::vector<double> dd, sync, stall, step, step_async;
  for (int r = 0; r < rounds; ++r) {
    state.step = 2 * r + 1;
    double start = now_s();
    writer.write(store, {.buffers = buffers, .state = state});
    sync.push_back(now_s() - start);
    const std::string written = (fs::path(directory) / checkpoint_name(state.step)).string();
    result.checkpoint_bytes = 0;
    for (const auto& f : fs::directory_iterator(written))
      result.checkpoint_bytes += static_cast<int64_t>(f.file_size());
    fs::remove_all(written);
    dd.push_back(dd_seconds((fs::path(directory) / "dd.bin").string(), result.checkpoint_bytes));

    state.step = 2 * r + 2;
    start = now_s();
    writer.write(store, {.buffers = buffers, .state = state, .async = true});
    double waited = now_s() - start;
    const double step_start = now_s();
    model.round(1);                     // training goes on while the checkpoint is written
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

double torch_tokens_per_s(const std::string& python, const std::string& script, Device device,
                          int threads, int steps, const std::string& workload) {
  const std::string command =
      concat(python, " '", script, "' --device ", device.str(), " --threads ", threads, " --steps ",
             steps, " ", workload, " 2>&1");
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  RECUR_CHECK(pipe != nullptr, "cannot run ", command);
  double tokens_per_s = 0;
  std::string output;
  char buffer[4096];
  while (std::fgets(buffer, sizeof(buffer), pipe.get())) {
    const std::string line = buffer;
    output += line;
    if (!line.starts_with("{")) continue;  // the reference's progress text
    const Json result = parse_json(line, "the PyTorch reference's output");
    if (result.value("workload", "") == workload)
      tokens_per_s = json_get<double>(result, "tokens_per_s", "the PyTorch reference's output");
  }
  const int status = pclose(pipe.release());
  RECUR_CHECK(status == 0 && tokens_per_s > 0, "the PyTorch reference failed (", command, "):\n",
              output);
  return tokens_per_s;
}

}  // namespace recur::bench
