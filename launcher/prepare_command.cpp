#include <chrono>
#include <cstdio>

#include "commands.h"
#include "core/process_stats.h"
#include "experiment.h"
#include "training_run.h"

namespace recur::cli {

void add_prepare_command(CLI::App& app) {
  struct Args {
    std::string config;
    std::vector<std::string> overrides;
    bool verify = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "prepare", "tokenise a config's texts once into the token stores training maps");
  cmd->add_option("--config", args->config, "experiment config (YAML)")->required();
  cmd->add_option("--set", args->overrides, "override a config key: --set data.prepared=DIR");
  cmd->add_flag("--verify", args->verify,
                "check the content hashes of the stores already there (not only their sizes)");
  cmd->callback([args] {
    ExperimentConfig config = ExperimentConfig::load({args->config, "", args->overrides});
    const auto start = std::chrono::steady_clock::now();
    const std::string done = make_job(config)->prepare_data(config, config.run_dir, args->verify);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    std::printf("recur prepare: %s (%.1f s, peak RSS %.0f MB)\n", done.c_str(), took.count(),
                process_memory().peak_mb);
  });
}

}  // namespace recur::cli
