#include "model_io.h"

#include <filesystem>
#include <sstream>

#include "checkpoint/model_file.h"
#include "core/version.h"
#include "registry.h"

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
    const fs::path candidate = fs::path(path) / name;
    if (fs::exists(candidate)) return candidate.string();
  }
  fail("run directory ", path, " holds no model (model.best.h5 or model.h5)");
}

RunIdentity run_identity(ExperimentConfig& config, const Vocab& vocab,
                         std::map<std::string, std::string> extra) {
  RunIdentity identity;
  identity.model_type = config.model_type().name;
  identity.config_yaml = config.to_yaml();
  identity.vocab = vocab.tokens();
  identity.tokenizer = tokenizer_name(vocab.tokenizer());
  identity.lowercase = vocab.lowercase();
  identity.recur_version = recur_version_text();
  identity.extra = std::move(extra);
  return identity;
}

Vocab vocab_of(const RunIdentity& identity) {
  return Vocab::from_tokens(identity.vocab, tokenizer_type(identity.tokenizer), identity.lowercase);
}

std::string vocab_text(const Vocab& vocab) {
  std::string text;
  for (const std::string& t : vocab.tokens())
    text += t + "\n";
  return text;
}

Vocab vocab_from_text(const std::string& text, TokenizerType type, bool lowercase) {
  std::vector<std::string> tokens;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    tokens.push_back(line);
  return Vocab::from_tokens(std::move(tokens), type, lowercase);
}

ModelSource read_model_source(const std::string& path) {
  ModelSource source;
  if (is_checkpoint(path)) {
    const TrainingState state = read_training_state(path);
    source.identity = state.identity;
    source.step = state.step;
    source.params = read_parameters(path);
  } else {
    const std::string file = resolve_model_path(path);
    const ModelFileInfo info = read_model_file_info(file);
    source.identity = info.identity;
    source.step = info.step;
    source.params = read_model_parameters(file);
  }
  RECUR_CHECK(!source.identity.model_type.empty(), path, " records no model type");
  return source;
}

std::string model_type_of(const std::string& path) {
  if (is_checkpoint(path)) return read_training_state(path).identity.model_type;
  return read_model_file_info(resolve_model_path(path)).identity.model_type;
}

ExperimentConfig config_of(const ModelSource& source, const std::string& origin) {
  return ExperimentConfig::load({origin + " (stored config)", source.identity.config_yaml, {}});
}

void save_model(const std::string& path, const RunIdentity& identity, ParameterStore& store,
                int64_t step) {
  save_model_file(path, store, {identity, step});
}

}  // namespace recur
