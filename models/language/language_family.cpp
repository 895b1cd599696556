#include "language/language_family.h"

#include "language/language_model_data.h"
#include "language/language_model_job.h"

namespace recur {

ConfigSection language_data_section() {
  return ConfigSection::of<LanguageModelDataConfig>();
}

bool has_language_validation_data(const ConfigPart& data) {
  return !data.as<LanguageModelDataConfig>().valid.empty();
}

std::unique_ptr<ModelJob> make_language_model_job() {
  return std::make_unique<LanguageModelJob>();
}

}  // namespace recur
