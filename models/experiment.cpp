#include "experiment.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>

#include "config/writer.h"

namespace recur {

const char* model_type_name(ModelType type) {
  switch (type) {
    case ModelType::LstmLm:
      return "lstm_lm";
    case ModelType::Seq2Seq:
      return "seq2seq";
    case ModelType::Transformer:
      return "transformer";
    case ModelType::TransformerLm:
      return "transformer_lm";
  }
  return "?";
}

void ExperimentConfig::describe(ConfigVisitor& v) {
  // The model section comes first: its type decides which keys the other sections have.
  v.section("model", "The model. `type` selects it; the other keys belong to that type.",
            [&](ConfigVisitor& m) {
              m.choice("type", model_type,
                       {{"lstm_lm", ModelType::LstmLm},
                        {"seq2seq", ModelType::Seq2Seq},
                        {"transformer", ModelType::Transformer},
                        {"transformer_lm", ModelType::TransformerLm}},
                       "lstm_lm: recurrent language model trained with truncated BPTT; seq2seq: "
                       "recurrent encoder-decoder with attention; transformer: transformer "
                       "encoder-decoder; transformer_lm: causal transformer language model "
                       "reading windows of training.bptt tokens");
              switch (model_type) {
                case ModelType::LstmLm:
                  lstm_lm.describe(m);
                  break;
                case ModelType::Seq2Seq:
                  seq2seq.describe(m);
                  break;
                case ModelType::Transformer:
                  transformer.describe(m);
                  break;
                case ModelType::TransformerLm:
                  transformer.describe_language_model(m);
                  break;
              }
            });
  const bool lm = !is_translation_model(model_type);
  // `lm` by value: the reference writer runs section bodies after describe() has returned.
  v.section("data", "Text data. Relative paths are relative to the config file's folder.",
            [&, lm](ConfigVisitor& s) {
              if (lm) {
                data.describe(s);
              } else {
                parallel.describe(s);
              }
            });
  v.section("training", "The training loop. Batch sizes are global: summed over all ranks.",
            [&](ConfigVisitor& s) { training.describe(s); });
  v.section("optimizer", "The optimiser.", [&](ConfigVisitor& s) { optimizer.describe(s); });
  v.section("schedule", "The learning-rate schedule; optimizer.lr is its peak.",
            [&](ConfigVisitor& s) { schedule.describe(s); });
  v.section("validation",
            "Validation on the validation data, with best-model saving and early stopping.",
            [&](ConfigVisitor& s) { validation.describe(s); });
  if (!lm) {
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
  const bool lm = !is_translation_model(model_type);
  switch (model_type) {
    case ModelType::LstmLm:
      lstm_lm.check(c);
      break;
    case ModelType::Seq2Seq:
      seq2seq.check(c);
      break;
    case ModelType::Transformer:
      transformer.check(c);
      c.require(!transformer.share_embeddings || parallel.joint_vocab, "model.share_embeddings",
                "shared embeddings need one vocabulary for both sides: set data.joint_vocab: true");
      break;
    case ModelType::TransformerLm:
      transformer.check(c);
      c.require(validation.bptt <= training.bptt, "validation.bptt",
                "a transformer_lm reads windows of at most training.bptt tokens");
      c.require(!training.variable_bptt, "training.variable_bptt",
                "a transformer_lm reads windows of exactly training.bptt tokens");
      c.require(transformer.positions != PositionType::Learned ||
                    transformer.max_positions >= training.bptt,
                "model.max_positions", "learned positions need max_positions >= training.bptt");
      break;
  }
  training.check(c);
  optimizer.check(c);
  const bool has_valid = lm ? !data.valid.empty() : !parallel.source_valid.empty();
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
  if (!lm) {
    c.require(parallel.source_valid.empty() == parallel.target_valid.empty(), "data.target_valid",
              "give both data.source_valid and data.target_valid, or neither");
    c.require(parallel.source_test.empty() == parallel.target_test.empty(), "data.target_test",
              "give both data.source_test and data.target_test, or neither");
  }
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
  for (ModelType type :
       {ModelType::LstmLm, ModelType::TransformerLm, ModelType::Seq2Seq, ModelType::Transformer}) {
    ExperimentConfig config;
    config.model_type = type;
    text += concat("\n# model.type: ", model_type_name(type), "\n",
                   config_reference_markdown([&](ConfigVisitor& v) { config.describe(v); }));
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
                                                "data.test"};
  return keys;
}

void check_resume_compatible(const std::string& trained_yaml, ExperimentConfig& now) {
  std::map<std::string, std::string> before, after;
  flatten(YAML::Load(trained_yaml), "", before);
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
                " (a resumed run may change only steps, time, device, learning rate and schedule, "
                "validation, logging, checkpointing, distribution and data paths; see "
                "docs/checkpoint-format.md; --init-from starts a new run from its weights)");
  }
}

}  // namespace recur
