#include "embedding/embedding_family.h"

#include "embedding/word_vector_job.h"
#include "language/language_model_data.h"

namespace recur {

ConfigSection embedding_data_section() {
  ConfigSection section = ConfigSection::of<LanguageModelDataConfig>();
  section.defaults = [] {
    LanguageModelDataConfig words;
    words.tokenizer = TokenizerType::Word;
    return ConfigPart(words);
  };
  return section;
}

std::unique_ptr<ModelJob> make_embedding_job() {
  return std::make_unique<WordVectorJob>();
}

}  // namespace recur
