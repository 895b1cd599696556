#include "lstm_lm/lm_training.h"

#include <filesystem>
#include <unistd.h>

#include <fstream>

#include "core/log.h"
#include "core/threads.h"
#include "lstm_lm/lm_model_file.h"
#include "lstm_lm/lm_task.h"

namespace recur {

namespace fs = std::filesystem;

namespace {

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  RECUR_CHECK(out.good(), "cannot write ", path.string());
}

// Creates the run directory; refuses one that already holds a trained model unless overwriting.
void prepare_run_directory(ExperimentConfig& config, const RunOptions& options) {
  const fs::path dir = config.run_dir;
  if (!options.overwrite) {
    for (const char* name : {"model.h5", "model.best.h5"}) {
      RECUR_CHECK(!fs::exists(dir / name), "run directory ", dir.string(), " already holds a ",
                  "trained model (", name, "); set another run_dir or pass --overwrite");
    }
  }
  fs::create_directories(dir);
  // Results of an earlier run (collected first: removing while iterating skips entries).
  std::vector<fs::path> stale;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("metrics") || name.starts_with("model.")) stale.push_back(entry.path());
  }
  for (const fs::path& p : stale) fs::remove(p);
  write_text(dir / "config.yaml", "# " + recur_version_text() + "\n" + config.to_yaml());
  write_text(dir / "VERSION", recur_version_text() + "\n");
}

std::unique_ptr<Optimizer> make_optimizer(const OptimizerConfig& c, ParameterStore& store) {
  if (c.type == OptimizerType::Sgd) {
    return std::make_unique<Sgd>(store, SgdOptions{c.momentum, c.weight_decay, c.nesterov});
  }
  return std::make_unique<Adam>(store, AdamOptions{c.betas[0], c.betas[1], c.eps, c.weight_decay,
                                                   c.type == OptimizerType::AdamW});
}

TrainerOptions trainer_options(const ExperimentConfig& c) {
  TrainerOptions o;
  o.max_steps = c.training.max_steps;
  o.max_epochs = c.training.max_epochs;
  o.max_minutes = c.training.max_minutes;
  o.clip_norm = c.training.clip_norm;
  o.log_every = c.logging.every_steps;
  o.validate_every = c.validation.every_steps;
  o.patience = c.validation.patience;
  o.show_bpc = c.data.tokenizer == TokenizerType::Char;
  o.bucket_bytes = static_cast<int64_t>(c.distributed.bucket_mb * (1 << 20));
  return o;
}

// Rank 0 builds the vocabulary and saves it in the run; the other ranks load that file, so every
// rank uses the same one.
LmData load_data(const ExperimentConfig& config, Communicator& comm, const fs::path& dir) {
  const std::string vocab_file = (dir / "vocab.txt").string();
  LmDataConfig data_config = config.data;
  if (comm.is_root()) {
    LmData data = LmData::load(data_config);
    data.vocab.save(vocab_file);
    comm.barrier();
    return data;
  }
  comm.barrier();
  data_config.vocab = vocab_file;
  return LmData::load(data_config);
}

}  // namespace

TrainResult train_lm(ExperimentConfig& config, Communicator& comm, const RunOptions& options) {
  const ThreadSetup threads =
      configure_threads(static_cast<int>(config.training.threads), ranks_sharing_my_cores(comm));
  log::enable_console(comm.is_root());
  if (comm.is_root()) prepare_run_directory(config, options);
  comm.barrier();
  const fs::path dir = config.run_dir;
  log::open_file((dir / concat("train.rank", comm.rank(), ".log")).string());
  log::info(recur_version_text(), ": training ", model_type_name(config.model_type), " in ",
            dir.string());
  log::info("rank ", comm.rank(), " of ", comm.world_size(), ", pid ", ::getpid(), "; ", comm.description());
  log::info("threads: ", threads.str());

  const LmData data = load_data(config, comm, dir);
  ParameterStore store;
  LstmLm model(config.lstm_lm, data.vocab.size(), store);
  store.materialize(DType::F32, static_cast<uint64_t>(config.training.seed));
  log::info("model: ", store.parameter_count(), " parameters in ", store.parameters().size(),
            " tensors");

  std::unique_ptr<Optimizer> optimizer = make_optimizer(config.optimizer, store);
  LrSchedule schedule(config.schedule.spec(config.optimizer.lr, config.training.max_steps));
  LmTask task(model, data, config.training, config.validation, comm, DType::F32);
  MetricsFile metrics;
  if (comm.is_root()) metrics = MetricsFile((dir / "metrics.jsonl").string());
  MetricsFile rank_metrics((dir / concat("metrics.rank", comm.rank(), ".jsonl")).string());
  auto save = [&](const std::string& which, int64_t step) {
    save_lm((dir / (which == "best" ? "model.best.h5" : "model.h5")).string(), config, data.vocab,
            store, step);
  };
  Trainer trainer(task, store, *optimizer, schedule, comm, trainer_options(config),
                  {metrics, rank_metrics, save});
  TrainResult result = trainer.run();
  if (data.test.size() > 0 && result.reason != StopReason::Signal) {
    const LossTotals local = task.evaluate(data.test, config.validation.batch_size);
    Tensor sums = Tensor::from_vector<double>({local.nll, local.tokens, local.chars}, {3});
    comm.all_reduce(sums, ReduceOp::Sum, "all-reduce of the test loss");
    const LossTotals test{sums.item(0), sums.item(1), sums.item(2)};
    log::info("test (final model): loss ", test.loss(), " | ppl ", test.perplexity(), " | bpc ",
              test.bits_per_char());
  }
  log::close_file();
  return result;
}

}  // namespace recur
