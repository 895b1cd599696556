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

std::unique_ptr<LoadedLm> load_lm(const std::string& path) {
  const std::string file = resolve_model_path(path);
  auto lm = std::make_unique<LoadedLm>();
  lm->info = read_model_file_info(file);
  RECUR_CHECK(lm->info.model_type == "lstm_lm", file, " holds a ", lm->info.model_type,
              " model, not a language model");
  lm->config = ExperimentConfig::load({file + " (stored config)", lm->info.config_yaml, {}});
  const TokenizerType type =
      lm->info.tokenizer == "word" ? TokenizerType::Word : TokenizerType::Char;
  lm->vocab = Vocab::from_tokens(lm->info.vocab, type, lm->info.lowercase);
  lm->model = std::make_unique<LstmLm>(lm->config.lstm_lm, lm->vocab.size(), lm->store);
  lm->store.materialize(DType::F32, 0);
  load_model_parameters(file, lm->store);
  return lm;
}

}  // namespace recur
