#include "qa/qa_model_file.h"

#include "checkpoint/model_file.h"
#include "qa/qa_family.h"

namespace recur {

std::unique_ptr<QaModel> make_qa_model(const ExperimentConfig& config, int64_t vocab_size,
                                       ParameterStore& store) {
  const ModelType& type = config.model_type();
  RECUR_CHECK(type.family->name == kQaFamily, type.name, " is not a question-answering model");
  return model_as<QaModel>(type.build(config, {vocab_size, vocab_size}, store));
}

std::unique_ptr<LoadedQaModel> load_qa_model(const std::string& path, Device device) {
  const ModelSource source = read_model_source(path);
  const std::string& type = source.identity.model_type;
  RECUR_CHECK(in_family(type, kQaFamily), path, " holds a ", type,
              " model, not a question-answering model");
  auto qa = std::make_unique<LoadedQaModel>();
  qa->config = config_of(source, path);
  qa->vocab = vocab_of(source.identity);
  qa->model = make_qa_model(qa->config, qa->vocab.size(), qa->store);
  qa->store.materialize(DType::F32, 0, device);
  assign_parameters(source.params, qa->store, path);
  return qa;
}

}  // namespace recur
