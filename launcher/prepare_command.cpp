#include <chrono>
#include <cstdio>

#include "commands.h"
#include "core/log.h"
#include "core/process_stats.h"
#include "dist/communicator.h"
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
    // Under mpirun every rank tokenises a part of each text and rank 0 merges them.
    const std::unique_ptr<Communicator> comm =
        make_communicator({config.distributed.collective_timeout_s});
    const auto start = std::chrono::steady_clock::now();
    std::string done;
    try {
      done = make_job(config)->prepare_data(config, config.run_dir, args->verify, *comm);
    } catch (const std::exception& e) {  // an Error, or one of std::filesystem's
      if (comm->world_size() == 1) throw;
      // The other ranks may be waiting for this one's part: end the whole job now.
      log::error("rank ", comm->rank(), ": ", e.what());
      comm->abort(1);
    }
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    if (!comm->is_root()) return;
    const std::string ranks =
        comm->world_size() == 1 ? "" : concat(" on ", comm->world_size(), " ranks");
    std::printf("recur prepare: %s (%.1f s%s, peak RSS %.0f MB%s)\n", done.c_str(), took.count(),
                ranks.c_str(), process_memory().peak_mb, ranks.empty() ? "" : " on rank 0");
  });
}

}  // namespace recur::cli
