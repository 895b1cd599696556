#include "model_io.h"

#include <filesystem>
#include <sstream>

#include "checkpoint/model_file.h"
#include "core/version.h"
#include "registry.h"

namespace recur {

namespace fs = std::filesystem;

namespace {

const char* const kCoreTexts[] = {"model_type", "config", "tokenizer", "lowercase",
                                  "recur_version"};

bool is_core_text(const std::string& name) {
  for (const char* core : kCoreTexts) {
    if (name == core) return true;
  }
  return false;
}

}  // namespace

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

TrainingState run_identity(ExperimentConfig& config, const Vocab& vocab,
                           std::map<std::string, std::string> extra) {
  TrainingState identity;
  identity.texts = std::move(extra);
  identity.texts["model_type"] = config.model_type().name;
  identity.texts["config"] = config.to_yaml();
  identity.texts["tokenizer"] = tokenizer_name(vocab.tokenizer());
  identity.texts["lowercase"] = std::to_string(static_cast<int>(vocab.lowercase()));
  identity.texts["recur_version"] = recur_version_text();
  identity.vocab = vocab.tokens();
  return identity;
}

Vocab vocab_of(const TrainingState& identity) {
  return Vocab::from_tokens(identity.vocab, tokenizer_type(identity.texts.at("tokenizer")),
                            identity.texts.at("lowercase") == "1");
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
    source.identity = read_training_state(path);
    source.step = source.identity.step;
    source.params = read_parameters(path);
    return source;
  }
  const std::string file = resolve_model_path(path);
  const ModelFileInfo info = read_model_file_info(file);
  source.identity.texts = info.texts;
  source.identity.texts["model_type"] = info.model_type;
  source.identity.texts["config"] = info.config_yaml;
  source.identity.texts["tokenizer"] = info.tokenizer;
  source.identity.texts["lowercase"] = std::to_string(static_cast<int>(info.lowercase));
  source.identity.texts["recur_version"] = info.recur_version;
  source.identity.vocab = info.vocab;
  source.identity.step = info.step;
  source.step = info.step;
  source.params = read_model_parameters(file);
  return source;
}

std::string model_type_of(const std::string& path) {
  if (is_checkpoint(path)) return read_training_state(path).texts.at("model_type");
  return read_model_file_info(resolve_model_path(path)).model_type;
}

ExperimentConfig config_of(const ModelSource& source, const std::string& origin) {
  return ExperimentConfig::load(
      {origin + " (stored config)", source.identity.texts.at("config"), {}});
}

void save_model(const std::string& path, const TrainingState& identity, ParameterStore& store,
                int64_t step) {
  ModelFileInfo info;
  info.model_type = identity.texts.at("model_type");
  info.config_yaml = identity.texts.at("config");
  info.vocab = identity.vocab;
  info.tokenizer = identity.texts.at("tokenizer");
  info.lowercase = identity.texts.at("lowercase") == "1";
  info.step = step;
  info.recur_version = identity.texts.at("recur_version");
  for (const auto& [name, value] : identity.texts) {
    if (!is_core_text(name)) info.texts[name] = value;
  }
  save_model_file(path, store, info);
}

}  // namespace recur
