#include "experiment.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>

#include "config/writer.h"
#include "registry.h"

namespace recur {

namespace {

std::vector<std::string> model_type_names() {
  std::vector<std::string> names;
  for (const ModelType& type : model_types())
    names.push_back(type.name);
  return names;
}

// "lstm_lm: what it is; seq2seq: ..." for every model type.
std::string model_type_help() {
  std::string help;
  for (const ModelType& type : model_types())
    help += (help.empty() ? "" : "; ") + type.name + ": " + type.summary;
  return help;
}

size_t index_of(const ModelType& type) {
  return static_cast<size_t>(&type - model_types().data());
}

}  // namespace

ExperimentConfig::ExperimentConfig() {
  set_model_type(model_types().front());
}

void ExperimentConfig::set_model_type(const ModelType& type) {
  if (model_type_ == &type) return;
  if (model_type_ == nullptr || model_type_->family != type.family) {
    data = type.family->data.defaults();
  }
  model_type_ = &type;
  model = type.section.defaults();
}

void ExperimentConfig::describe_model(ConfigVisitor& m) {
  static const std::vector<std::string> names = model_type_names();
  static const std::string help = model_type_help();
  size_t index = index_of(*model_type_);
  m.choice_index("type", index, names, help.c_str());
  set_model_type(model_types()[index]);
  model_type_->section.describe(model, m);
}

void ExperimentConfig::describe(ConfigVisitor& v) {
  // The model section comes first: its type decides which keys the other sections have.
  v.section("model", "The model. `type` selects it; the other keys belong to that type.",
            [&](ConfigVisitor& m) { describe_model(m); });
  v.section("data", "Text data. Relative paths are relative to the config file's folder.",
            [&](ConfigVisitor& s) { model_type_->family->data.describe(data, s); });
  v.section("training", "The training loop. Batch sizes are global: summed over all ranks.",
            [&](ConfigVisitor& s) { training.describe(s); });
  v.section("optimizer", "The optimiser.", [&](ConfigVisitor& s) { optimizer.describe(s); });
  v.section("schedule", "The learning-rate schedule; optimizer.lr is its peak.",
            [&](ConfigVisitor& s) { schedule.describe(s); });
  v.section("validation",
            "Validation on the validation data, with best-model saving and early stopping.",
            [&](ConfigVisitor& s) { validation.describe(s); });
  if (model_type_->family->translates) {
    v.section("decoding",
              "Translation: recur translate and the test evaluation at the end of training.",
              [&](ConfigVisitor& s) { decoding.describe(s); });
  }
  v.section("distributed", "Data-parallel training (several ranks under mpirun or srun).",
            [&](ConfigVisitor& s) { distributed.describe(s); });
  v.section("checkpoint",
            "Sharded training checkpoints in run_dir/checkpoints, for `recur train --resume`.",
            [&](ConfigVisitor& s) { checkpoint.describe(s); });
  v.section("logging", "Progress output.", [&](ConfigVisitor& s) { logging.describe(s); });
  v.path("run_dir", run_dir,
         "where the run writes its files (default: runs/<config file name> in the working "
         "directory)",
         false);
}

void ExperimentConfig::check(ConfigChecker& c) const {
  const ModelFamily& family = *model_type_->family;
  model_type_->section.check(model, *this, c);
  training.check(c);
  optimizer.check(c);
  const bool has_valid = family.has_validation_data(data);
  c.require(training.max_steps > 0 || training.max_epochs > 0 || training.max_minutes > 0,
            "training.max_steps",
            "no stopping point: set training.max_steps, "
            "training.max_epochs or training.max_minutes");
  c.require(schedule.type != ScheduleType::Cosine || training.max_steps > 0, "schedule.type",
            "cosine needs training.max_steps");
  c.require(validation.patience == 0 || has_valid, "validation.patience",
            "early stopping needs validation data");
  c.require(schedule.type != ScheduleType::Plateau || has_valid, "schedule.type",
            "plateau needs validation data");
  family.data.check(data, *this, c);
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
  std::string text;
  for (const ModelFamily& family : model_families()) {
    for (const ModelType& type : model_types()) {
      if (type.family != &family) continue;
      ExperimentConfig config;
      config.set_model_type(type);
      text += concat("\n# model.type: ", type.name, "\n",
                     config_reference_markdown([&](ConfigVisitor& v) { config.describe(v); }));
    }
  }
  return text;
}

namespace {

// "section.key" -> value text, for every scalar or list in a resolved config.
void flatten(const YAML::Node& node, const std::string& prefix,
             std::map<std::string, std::string>& out) {
  if (node.IsMap()) {
    for (const auto& item : node) {
      const std::string key = item.first.as<std::string>();
      flatten(item.second, prefix.empty() ? key : prefix + "." + key, out);
    }
    return;
  }
  YAML::Emitter text;
  text << YAML::Flow << node;
  out[prefix] = text.c_str();
}

}  // namespace

const std::vector<std::string>& keys_changeable_on_resume() {
  static const std::vector<std::string> keys = {"training.max_steps",
                                                "training.max_epochs",
                                                "training.max_minutes",
                                                "training.threads",
                                                "training.clip_norm",
                                                "training.accumulate",
                                                "training.device",
                                                "training.precision",
                                                "optimizer.lr",
                                                "optimizer.weight_decay",
                                                "schedule.",
                                                "validation.",
                                                "logging.",
                                                "checkpoint.",
                                                "distributed.",
                                                "run_dir",
                                                "data.train",
                                                "data.valid",
                                                "data.test",
                                                "data.prepared"};
  return keys;
}

void check_resume_compatible(const std::string& trained_yaml, ExperimentConfig& now) {
  std::map<std::string, std::string> before, after;
  // Read as a config first, so that a key which the recur that wrote the checkpoint did not know
  // yet has its default (the behaviour that recur had).
  ExperimentConfig trained = ExperimentConfig::load({"the checkpoint's config", trained_yaml, {}});
  flatten(YAML::Load(trained.to_yaml()), "", before);
  flatten(YAML::Load(now.to_yaml()), "", after);
  for (const auto& [key, value] : after) {
    const auto it = before.find(key);
    const std::string old = it == before.end() ? "(not set)" : it->second;
    if (old == value) continue;
    bool allowed = false;
    for (const std::string& k : keys_changeable_on_resume())
      allowed = allowed || key.starts_with(k);
    RECUR_CHECK(allowed, "cannot resume: the config sets ", key, " to ", value,
                ", the checkpoint was trained with ", old,
                " (a resumed run may change only steps, time, device, precision, learning rate and "
                "schedule, "
                "validation, logging, checkpointing, distribution and data paths; see "
                "docs/checkpoint-format.md; --init-from starts a new run from its weights)");
  }
}

}  // namespace recur
