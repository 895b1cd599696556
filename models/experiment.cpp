#include "experiment.h"

#include <filesystem>

#include "config/writer.h"

namespace recur {

const char* model_type_name(ModelType type) {
  switch (type) {
    case ModelType::LstmLm:
      return "lstm_lm";
  }
  return "?";
}

void ExperimentConfig::describe(ConfigVisitor& v) {
  v.section("model", "The model. `type` selects it; the other keys belong to that type.",
            [&](ConfigVisitor& m) {
              m.choice("type", model_type, {{"lstm_lm", ModelType::LstmLm}},
                       "lstm_lm: recurrent language model trained with truncated BPTT");
              lstm_lm.describe(m);
            });
  v.section("data", "Text data. Relative paths are relative to the config file's folder.",
            [&](ConfigVisitor& s) { data.describe(s); });
  v.section("training", "The training loop. Batch sizes are global: summed over all ranks.",
            [&](ConfigVisitor& s) { training.describe(s); });
  v.section("optimizer", "The optimiser.", [&](ConfigVisitor& s) { optimizer.describe(s); });
  v.section("schedule", "The learning-rate schedule; optimizer.lr is its peak.",
            [&](ConfigVisitor& s) { schedule.describe(s); });
  v.section("validation", "Validation on data.valid, with best-model saving and early stopping.",
            [&](ConfigVisitor& s) { validation.describe(s); });
  v.section("distributed", "Data-parallel training (several ranks under mpirun or srun).",
            [&](ConfigVisitor& s) { distributed.describe(s); });
  v.section("logging", "Progress output.", [&](ConfigVisitor& s) { logging.describe(s); });
  v.path("run_dir", run_dir,
         "where the run writes its files (default: runs/<config file name> in the working "
         "directory)",
         false);
}

void ExperimentConfig::check(ConfigChecker& c) const {
  lstm_lm.check(c);
  optimizer.check(c);
  c.require(training.max_steps > 0 || training.max_epochs > 0 || training.max_minutes > 0,
            "training.max_steps",
            "no stopping point: set training.max_steps, "
            "training.max_epochs or training.max_minutes");
  c.require(schedule.type != ScheduleType::Cosine || training.max_steps > 0, "schedule.type",
            "cosine needs training.max_steps");
  c.require(validation.patience == 0 || !data.valid.empty(), "validation.patience",
            "early stopping needs data.valid");
  c.require(schedule.type != ScheduleType::Plateau || !data.valid.empty(), "schedule.type",
            "plateau needs data.valid");
}

ExperimentConfig ExperimentConfig::load(const ConfigInput& input) {
  ExperimentConfig config;
  read_config(
      input, [&](ConfigVisitor& v) { config.describe(v); },
      [&](ConfigChecker& c) { config.check(c); });
  if (config.run_dir.empty()) {
    const std::string stem = std::filesystem::path(input.file).stem().string();
    config.run_dir = std::filesystem::absolute(std::filesystem::path("runs") / stem).string();
  }
  return config;
}

std::string ExperimentConfig::to_yaml() {
  return config_to_yaml([&](ConfigVisitor& v) { describe(v); });
}

std::string ExperimentConfig::reference_markdown() {
  ExperimentConfig defaults;
  return config_reference_markdown([&](ConfigVisitor& v) { defaults.describe(v); });
}

}  // namespace recur
