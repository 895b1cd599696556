// Question-answering models (the model types of the question-answering family): built from a
// config, or loaded trained with their config and vocabulary.
#pragma once

#include <memory>
#include <string>

#include "model_io.h"
#include "qa/qa_model.h"

namespace recur {

// The model of config.model_type() (a question-answering type), its parameters declared in `store`.
std::unique_ptr<QaModel> make_qa_model(const ExperimentConfig& config, int64_t vocab_size,
                                       ParameterStore& store);

struct LoadedQaModel {
  ExperimentConfig config;
  Vocab vocab;
  ParameterStore store;
  std::unique_ptr<QaModel> model;
};

// `path`: a model file, a run directory or a checkpoint directory; the parameters go to `device`.
std::unique_ptr<LoadedQaModel> load_qa_model(const std::string& path,
                                             Device device = Device::cpu());

}  // namespace recur
