#include "commands.h"
#include "dist/communicator.h"
#include "lstm_lm/lm_training.h"

namespace recur::cli {

void add_train_command(CLI::App& app) {
  struct Args {
    std::string config;
    std::vector<std::string> overrides;
    bool overwrite = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("train", "train a model from a YAML config");
  cmd->add_option("--config", args->config, "experiment config (YAML)")->required();
  cmd->add_option("--set", args->overrides, "override a config key: --set optimizer.lr=0.01")
      ->allow_extra_args(false);
  cmd->add_flag("--overwrite", args->overwrite,
                "reuse a run directory that already holds a trained model");
  cmd->callback([args] {
    ExperimentConfig config = ExperimentConfig::load({args->config, "", args->overrides});
    SingleProcessCommunicator comm;
    train_lm(config, comm, {args->overwrite});
  });
}

}  // namespace recur::cli
