#include "translation/translation_family.h"

#include "translation/translation_data.h"
#include "translation/translation_job.h"

namespace recur {

ConfigSection translation_data_section() {
  return ConfigSection::of<TranslationDataConfig>();
}

bool has_translation_validation_data(const ConfigPart& data) {
  return !data.as<TranslationDataConfig>().source_valid.empty();
}

std::unique_ptr<ModelJob> make_translation_job() {
  return std::make_unique<TranslationJob>();
}

}  // namespace recur
