#include <cstdio>

#include "bench.h"
#include "bench_allreduce.h"
#include "commands.h"
#include "core/error.h"
#include "core/gpu.h"
#include "core/host.h"
#include "core/json.h"
#include "core/threads.h"
#include "dist/gpu_communicator.h"
#include "dist/placement.h"

namespace recur::cli {

namespace {

struct BenchArgs {
  int threads = 0;
  int steps = 8;
  int rounds = 5;
  int64_t size = 0;  // 0: 2048 on the CPU, 8192 on a GPU
  std::string device = "cpu";
  std::string torch_ref;
  std::string python = "/usr/bin/python3";
  std::string directory = "runs/bench-ckpt";
};

// What the figures were measured on: "2 threads" or "cuda:0".
std::string where(Device device, const ThreadSetup& setup) {
  return device.is_cpu() ? concat(setup.threads, setup.threads == 1 ? " thread" : " threads")
                         : device.str();
}

// The machine-readable result: one JSON line after the table.
void print_json(const Json& result) {
  std::printf("%s\n", json_line(result).c_str());
}

void print_gemm(const BenchArgs& a, Device device, const ThreadSetup& setup) {
  const std::vector<double> g = bench::gemm_gflops(a.size, a.rounds * a.steps, device);
  std::printf("gemm: float32 %lld^3 on %s: %.1f GFLOP/s (median of %zu; min %.1f, max %.1f)\n",
              static_cast<long long>(a.size), where(device, setup).c_str(), bench::median(g),
              g.size(), *std::min_element(g.begin(), g.end()),
              *std::max_element(g.begin(), g.end()));
  print_json({{"workload", "gemm"},
              {"gflops", bench::median(g)},
              {"device", device.str()},
              {"threads", setup.threads}});
}

// Rounds alternate recur, the GEMM peak and PyTorch (on the CPU at 1 and at 2 threads, on a GPU
// once), so that drifts of the machine's speed hit all of them alike; results are medians over the
// rounds.
void run_workload(bench::Workload& workload, const BenchArgs& a, const ThreadSetup& setup) {
  const Device device = workload.device();
  workload.round(2);  // warm-up: allocator cache, first-touch pages
  std::vector<double> recur_rates, peak, torch1, torch2;
  for (int r = 0; r < a.rounds; ++r) {
    recur_rates.push_back(workload.round(a.steps).tokens_per_s);
    peak.push_back(bench::median(bench::gemm_gflops(a.size, 3, device)));
    std::string torch_note;
    if (!a.torch_ref.empty()) {
      torch1.push_back(
          bench::torch_tokens_per_s(a.python, a.torch_ref, device, 1, a.steps, workload.name()));
      torch_note = concat(", pytorch ", static_cast<int>(torch1.back()),
                          device.is_cpu() ? " (1 thread)" : "");
    }
    if (!a.torch_ref.empty() && device.is_cpu()) {
      torch2.push_back(
          bench::torch_tokens_per_s(a.python, a.torch_ref, device, 2, a.steps, workload.name()));
      torch_note += concat(" ", static_cast<int>(torch2.back()), " (2 threads)");
    }
    std::fprintf(stderr, "round %d/%d: recur %.0f tok/s%s\n", r + 1, a.rounds, recur_rates.back(),
                 torch_note.c_str());
  }
  const double flops = workload.flops_per_token();
  const double peak_gflops = bench::median(peak);
  auto row = [&](const char* name, double rate) {
    const double gflops = rate * flops / 1e9;
    std::printf("%-22s %9.0f %9.1f %9.1f %8.1f%%\n", name, rate,
                1e3 * static_cast<double>(workload.tokens_per_step()) / rate, gflops,
                100.0 * gflops / peak_gflops);
  };
  std::printf("%s; %s; medians of %d rounds of %d steps\n", workload.description().c_str(),
              where(device, setup).c_str(), a.rounds, a.steps);
  std::printf("%-22s %9s %9s %9s %9s\n", "", "tok/s", "ms/step", "GFLOP/s", "of peak");
  const double recur_rate = bench::median(recur_rates);
  row("recur", recur_rate);
  double best_torch = 0;
  if (!torch1.empty()) {
    row(device.is_cpu() ? "pytorch (1 thread)" : "pytorch", bench::median(torch1));
    best_torch = bench::median(torch1);
  }
  if (!torch2.empty()) {
    row("pytorch (2 threads)", bench::median(torch2));
    best_torch = std::max(best_torch, bench::median(torch2));
  }
  std::printf("gemm peak (float32 %lld^3, %s, same process): %.1f GFLOP/s\n",
              static_cast<long long>(a.size), device.is_cpu() ? "OpenBLAS" : "cuBLAS, no TF32",
              peak_gflops);
  if (best_torch > 0) std::printf("ratio recur / best pytorch: %.2fx\n", recur_rate / best_torch);
  const double gflops = recur_rate * flops / 1e9;
  print_json({{"workload", workload.name()},
              {"tokens_per_s", recur_rate},
              {"gflops", gflops},
              {"peak_gflops", peak_gflops},
              {"fraction_of_peak", gflops / peak_gflops},
              {"torch_tokens_per_s", best_torch},
              {"ratio", best_torch > 0 ? recur_rate / best_torch : 0.0},
              {"device", device.str()},
              {"threads", setup.threads}});
}

void run_ckpt(const BenchArgs& a) {
  const bench::CheckpointBench r = bench::run_checkpoint_bench(a.directory, a.rounds);
  const double mb = static_cast<double>(r.checkpoint_bytes) / (1 << 20);
  std::printf(
      "ckpt: model of %.0f MB (LSTM LM, vocabulary 20k, 2 x 1280), checkpoint of %.0f MB "
      "(parameters + 2 Adam moments) in %s; medians of %d rounds\n",
      static_cast<double>(r.model_bytes) / (1 << 20), mb, a.directory.c_str(), a.rounds);
  std::printf("  disk (dd conv=fsync, %.0f MB)       %8.0f MB/s\n", mb, r.dd_mb_s);
  std::printf("  synchronous checkpoint write      %8.0f MB/s  (%.2f s)  %.0f%% of the disk\n",
              r.write_mb_s, r.sync_s, 100.0 * r.write_mb_s / r.dd_mb_s);
  std::printf("  asynchronous: training waited     %8.3f s     %.1f%% of the synchronous write\n",
              r.stall_s, 100.0 * r.stall_s / r.sync_s);
  std::printf("  training step alone / while writing: %.2f s / %.2f s\n", r.step_s, r.step_async_s);
  print_json({{"workload", "ckpt"},
              {"checkpoint_mb", mb},
              {"dd_mb_s", r.dd_mb_s},
              {"write_mb_s", r.write_mb_s},
              {"fraction_of_disk", r.write_mb_s / r.dd_mb_s},
              {"sync_s", r.sync_s},
              {"async_stall_s", r.stall_s},
              {"stall_fraction", r.stall_s / r.sync_s},
              {"step_s", r.step_s},
              {"step_async_s", r.step_async_s}});
}

// Under recur-mpirun: every rank measures, rank 0 prints.
void run_allreduce(const BenchArgs& a, const std::string& device_name) {
  std::unique_ptr<Communicator> comm = make_communicator({});
  RECUR_CHECK(comm->world_size() > 1, "bench allreduce needs several ranks: ",
              "launcher/recur-mpirun -n 2 -- bench allreduce (or --hosts h1:1,h2:1)");
  const Device device = gpu::select_device(device_name, comm->local_rank());
  if (!device.is_cpu())
    comm = make_gpu_communicator(std::move(comm), device, SharedGpuPolicy::Fail, 300);
  Communicator& c = *comm;
  const std::string hosts = hosts_summary(gather_texts(c, host_name()));
  const std::vector<bench::AllReduceFigure> figures =
      bench::all_reduce_bandwidth(c, device, a.rounds);
  if (!c.is_root()) return;
  std::printf("all-reduce (sum, float32) on %d ranks, %s (%s); medians of %d rounds\n",
              c.world_size(), device.str().c_str(), hosts.c_str(), a.rounds);
  std::printf("%12s %12s %12s %12s\n", "bytes", "time (us)", "algbw GB/s", "busbw GB/s");
  Json sizes = Json::array(), busbw = Json::array();
  for (const bench::AllReduceFigure& f : figures) {
    std::printf("%12lld %12.1f %12.3f %12.3f\n", static_cast<long long>(f.bytes), f.seconds * 1e6,
                f.algbw, f.busbw);
    sizes.push_back(f.bytes);
    busbw.push_back(f.busbw);
  }
  print_json({{"workload", "allreduce"},
              {"ranks", c.world_size()},
              {"hosts", hosts},
              {"device", device.str()},
              {"bytes", sizes},
              {"busbw_gb_s", busbw}});
}

}  // namespace

void add_bench_command(CLI::App& app) {
  auto args = std::make_shared<BenchArgs>();
  auto workload = std::make_shared<std::string>();
  CLI::App* cmd =
      app.add_subcommand("bench", "measure training throughput against the GEMM peak and PyTorch");
  cmd->add_option("workload", *workload, "gemm, lm, seq2seq, transformer, ckpt or allreduce")
      ->required()
      ->check(CLI::IsMember({"gemm", "lm", "seq2seq", "transformer", "ckpt", "allreduce"}));
  cmd->add_option("--threads", args->threads, "threads (default: all cores)");
  cmd->add_option("--steps", args->steps, "steps per round")->capture_default_str();
  cmd->add_option("--rounds", args->rounds, "rounds; results are medians")->capture_default_str();
  cmd->add_option("--gemm-size", args->size,
                  "matrix size of the GEMM peak (default: 2048 on the CPU, 8192 on a GPU)");
  cmd->add_option("--device", args->device, "cpu, cuda or cuda:N (lm, seq2seq, transformer, gemm)")
      ->capture_default_str();
  cmd->add_option(
      "--torch-ref", args->torch_ref,
      "torch_ref.py: also run PyTorch's workload (1 and 2 threads) in alternating rounds");
  cmd->add_option("--python", args->python, "Python with torch, for --torch-ref")
      ->capture_default_str();
  cmd->add_option("--dir", args->directory, "ckpt: where to write (the disk to measure)")
      ->capture_default_str();
  cmd->callback([args, workload] {
    if (*workload == "allreduce") return run_allreduce(*args, args->device);
    const Device device = gpu::select_device(args->device);
    const ThreadSetup setup = configure_threads(args->threads, 1);
    std::fprintf(stderr, "threads: %s\n", setup.str().c_str());
    if (args->size == 0) args->size = device.is_cpu() ? 2048 : 8192;
    if (*workload == "gemm") {
      print_gemm(*args, device, setup);
    } else if (*workload == "ckpt") {
      RECUR_CHECK(device.is_cpu(), "bench ckpt measures the disk: it runs on the CPU only");
      run_ckpt(*args);
    } else if (*workload == "lm") {
      bench::LmWorkload lm(10000, 512, device);
      run_workload(lm, *args, setup);
    } else if (*workload == "seq2seq") {
      run_workload(*bench::TranslationWorkload::seq2seq(device), *args, setup);
    } else {
      run_workload(*bench::TranslationWorkload::transformer(device), *args, setup);
    }
  });
}

}  // namespace recur::cli
