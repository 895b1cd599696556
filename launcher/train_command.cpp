#include <csignal>
#include <cstdio>

#include "commands.h"
#include "core/gpu.h"
#include "core/log.h"
#include "dist/communicator.h"
#include "dist/gpu_communicator.h"
#include "train/stop_signal.h"
#include "training_run.h"

namespace recur::cli {

void add_train_command(CLI::App& app, int& exit_code) {
  struct Args {
    std::string config;
    std::vector<std::string> overrides;
    bool overwrite = false;
    std::string resume, init_from, device;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("train", "train a model from a YAML config");
  cmd->add_option("--config", args->config, "experiment config (YAML)")->required();
  cmd->add_option("--set", args->overrides, "override a config key: --set optimizer.lr=0.01")
      ->allow_extra_args(false);
  cmd->add_flag("--overwrite", args->overwrite,
                "reuse a run directory that already holds a trained model");
  cmd->add_option("--resume", args->resume,
                  "continue from a checkpoint: auto (the newest good one in run_dir/checkpoints, "
                  "or a new run when there is none) or a checkpoint directory");
  cmd->add_option("--init-from", args->init_from,
                  "start a new run from the weights of a model file, run or checkpoint");
  cmd->add_option("--device", args->device,
                  "cpu, cuda (each rank a GPU of its own) or cuda:N; sets training.device");
  cmd->callback([args, &exit_code] {
    std::vector<std::string> overrides = args->overrides;
    if (!args->device.empty()) {
      Device::parse(args->device);  // an unknown device is refused as such, not as a config value
      overrides.push_back("training.device=" + args->device);
    }
    ExperimentConfig config = ExperimentConfig::load({args->config, "", overrides});
    std::unique_ptr<Communicator> comm =
        make_communicator({config.distributed.collective_timeout_s});
    try {
      const Device device = gpu::select_device(config.training.device, comm->local_rank());
      // Ranks exchange device tensors (gradients, parameters) only when there are several.
      if (!device.is_cpu() && comm->world_size() > 1) {
        comm = make_gpu_communicator(std::move(comm), device, config.distributed.shared_gpu,
                                     config.distributed.collective_timeout_s);
      }
      const TrainResult result =
          run_training(config, *comm, {args->overwrite, args->resume, args->init_from, device});
      if (result.reason == StopReason::Signal) {
        exit_code = result.stop_signal == SIGINT ? kExitSigint : kExitInterrupted;
      }
    } catch (const std::exception& e) {  // an Error, or one of std::filesystem's
      // (No communicator left when the GPU one failed to start: every rank fails alike then.)
      if (!comm || comm->world_size() == 1) throw;
      // The other ranks may be waiting in a collective: end the whole job now.
      log::error("rank ", comm->rank(), ": ", e.what());
      comm->abort(1);
    }
  });
}

}  // namespace recur::cli
