#include "qa/qa_family.h"

#include "qa/qa_data.h"
#include "qa/qa_job.h"

namespace recur {

ConfigSection qa_data_section() {
  return ConfigSection::of<QaDataConfig>();
}

bool has_qa_validation_data(const ConfigPart& data) {
  return !data.as<QaDataConfig>().valid.empty();
}

std::unique_ptr<ModelJob> make_qa_job() {
  return std::make_unique<QaJob>();
}

}  // namespace recur
