// The question-answering family's row in the registry (registry.cpp): story files as data, a
// one-word answer per question, accuracy as the validation score.
#pragma once

#include <memory>

#include "registry.h"

namespace recur {

inline constexpr char kQaFamily[] = "question_answering";

ConfigSection qa_data_section();
bool has_qa_validation_data(const ConfigPart& data);
std::unique_ptr<ModelJob> make_qa_job();

}  // namespace recur
