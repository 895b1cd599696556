#include "lstm_lm/lm_model_file.h"

#include <filesystem>

#include "core/version.h"

namespace recur {

namespace fs = std::filesystem;

std::string recur_version_text() {
  return concat("recur ", version_string(), " (git ", git_hash(), ")");
}

std::string resolve_model_path(const std::string& path) {
  if (!fs::is_directory(path)) {
    RECUR_CHECK(fs::exists(path), "no model at ", path, ": no such file or directory");
    return path;
  }
  for (const char* name : {"model.best.h5", "model.h5"}) {
    fs::path candidate = fs::path(path) / name;
    if (fs::exists(candidate)) return candidate.string();
  }
  fail("run directory ", path, " holds no model (model.best.h5 or model.h5)");
}

void save_lm(const std::string& path, ExperimentConfig& config, const Vocab& vocab,
             ParameterStore& store, int64_t step) {
  ModelFileInfo info;
  info.model_type = model_type_name(config.model_type);
  info.config_yaml = config.to_yaml();
  info.vocab = vocab.tokens();
  info.tokenizer = tokenizer_name(vocab.tokenizer());
  info.lowercase = vocab.lowercase();
  info.step = step;
  info.recur_version = recur_version_text();
  save_model_file(path, store, info);
}

TrainingState lm_identity(ExperimentConfig& config, const Vocab& vocab) {
  TrainingState identity;
  identity.texts = {{"model_type", model_type_name(config.model_type)},
                    {"config", config.to_yaml()},
                    {"tokenizer", tokenizer_name(vocab.tokenizer())},
                    {"lowercase", vocab.lowercase() ? "1" : "0"},
                    {"recur_version", recur_version_text()}};
  identity.vocab = vocab.tokens();
  return identity;
}

ModelSource read_model_source(const std::string& path) {
  ModelSource source;
  if (is_checkpoint(path)) {
    const TrainingState state = read_training_state(path);
    const auto& t = state.texts;
    source.info = {t.at("model_type"), t.at("config"), state.vocab, t.at("tokenizer"),
                   t.at("lowercase") == "1", state.step, t.at("recur_version")};
    source.params = read_parameters(path);
    return source;
  }
  const std::string file = resolve_model_path(path);
  source.info = read_model_file_info(file);
  source.params = read_model_parameters(file);
  return source;
}

Vocab vocab_of(const ModelFileInfo& info) {
  const TokenizerType type = tokenizer_type(info.tokenizer);
  return Vocab::from_tokens(info.vocab, type, info.lowercase);
}

std::unique_ptr<LoadedLm> load_lm(const std::string& path) {
  ModelSource source = read_model_source(path);
  auto lm = std::make_unique<LoadedLm>();
  lm->info = source.info;
  RECUR_CHECK(lm->info.model_type == "lstm_lm", path, " holds a ", lm->info.model_type,
              " model, not a language model");
  lm->config = ExperimentConfig::load({path + " (stored config)", lm->info.config_yaml, {}});
  lm->vocab = vocab_of(lm->info);
  lm->model = std::make_unique<LstmLm>(lm->config.lstm_lm, lm->vocab.size(), lm->store);
  lm->store.materialize(DType::F32, 0);
  assign_parameters(source.params, lm->store, path);
  return lm;
}

}  // namespace recur
