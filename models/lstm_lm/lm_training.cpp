#include "lstm_lm/lm_training.h"

#include <filesystem>
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
  for (const char* name : {"metrics.jsonl", "model.h5", "model.best.h5"})
    fs::remove(dir / name);
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
  return {c.training.max_steps,   c.training.max_epochs,
          c.training.max_minutes, c.training.clip_norm,
          c.logging.every_steps,  c.validation.every_steps,
          c.validation.patience,  c.data.tokenizer == TokenizerType::Char};
}

}  // namespace

TrainResult train_lm(ExperimentConfig& config, Communicator& comm, const RunOptions& options) {
  const ThreadSetup threads =
      configure_threads(static_cast<int>(config.training.threads), comm.local_size());
  prepare_run_directory(config, options);
  const fs::path dir = config.run_dir;
  log::open_file((dir / concat("train.rank", comm.rank(), ".log")).string());
  log::info(recur_version_text(), ": training ", model_type_name(config.model_type), " in ",
            dir.string());
  log::info("threads: ", threads.str());

  const LmData data = LmData::load(config.data);
  data.vocab.save((dir / "vocab.txt").string());
  ParameterStore store;
  LstmLm model(config.lstm_lm, data.vocab.size(), store);
  store.materialize(DType::F32, static_cast<uint64_t>(config.training.seed));
  log::info("model: ", store.parameter_count(), " parameters in ", store.parameters().size(),
            " tensors");

  std::unique_ptr<Optimizer> optimizer = make_optimizer(config.optimizer, store);
  LrSchedule schedule(config.schedule.spec(config.optimizer.lr, config.training.max_steps));
  LmTask task(model, data, config.training, config.validation, comm, DType::F32);
  MetricsFile metrics((dir / "metrics.jsonl").string());
  auto save = [&](const std::string& which, int64_t step) {
    if (!comm.is_root()) return;
    save_lm((dir / (which == "best" ? "model.best.h5" : "model.h5")).string(), config, data.vocab,
            store, step);
  };
  Trainer trainer(task, store, *optimizer, schedule, comm, trainer_options(config), metrics, save);
  TrainResult result = trainer.run();
  if (data.test.size() > 0) {
    LossTotals test = task.evaluate(data.test, config.validation.batch_size);
    log::info("test (final model): loss ", test.loss(), " | ppl ", test.perplexity(), " | bpc ",
              test.bits_per_char());
  }
  log::close_file();
  return result;
}

}  // namespace recur
