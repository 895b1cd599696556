#include "lstm_lm/lm_model_file.h"

#include "checkpoint/model_file.h"

namespace recur {

std::unique_ptr<LoadedLm> load_lm(const std::string& path) {
  const ModelSource source = read_model_source(path);
  const std::string& type = source.identity.texts.at("model_type");
  RECUR_CHECK(type == "lstm_lm", path, " holds a ", type, " model, not a language model");
  auto lm = std::make_unique<LoadedLm>();
  lm->config = config_of(source, path);
  lm->vocab = vocab_of(source.identity);
  lm->model = std::make_unique<LstmLm>(lm->config.lstm_lm, lm->vocab.size(), lm->store);
  lm->store.materialize(DType::F32, 0);
  assign_parameters(source.params, lm->store, path);
  return lm;
}

}  // namespace recur
