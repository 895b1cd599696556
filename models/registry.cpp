#include "registry.h"

#include "dmn/dmn_type.h"
#include "embedding/embedding_family.h"
#include "language/language_family.h"
#include "lstm_lm/lstm_lm_type.h"
#include "qa/qa_family.h"
#include "seq2seq/seq2seq_type.h"
#include "skipgram/skipgram_type.h"
#include "training_run.h"
#include "transformer/transformer_type.h"
#include "translation/translation_family.h"

namespace recur {

namespace {

const ModelFamily* family(const std::string& name) {
  for (const ModelFamily& f : model_families()) {
    if (f.name == name) return &f;
  }
  fail("internal error: no model family ", name);
}

}  // namespace

const std::vector<ModelFamily>& model_families() {
  // {name, data section, translates, has validation data, job}
  static const std::vector<ModelFamily> families = {
      {kLanguageFamily, language_data_section(), false, has_language_validation_data,
       make_language_model_job},
      {kTranslationFamily, translation_data_section(), true, has_translation_validation_data,
       make_translation_job},
      {kEmbeddingFamily, embedding_data_section(), false, has_language_validation_data,
       make_embedding_job},
      {kQaFamily, qa_data_section(), false, has_qa_validation_data, make_qa_job},
  };
  return families;
}

const std::vector<ModelType>& model_types() {
  // {name, summary, family, model section, factory}
  static const std::vector<ModelType> types = {
      {"lstm_lm", "recurrent language model trained with truncated BPTT", family(kLanguageFamily),
       lstm_lm_section(), build_lstm_lm},
      {"seq2seq", "recurrent encoder-decoder with attention", family(kTranslationFamily),
       seq2seq_section(), build_seq2seq},
      {"transformer", "transformer encoder-decoder", family(kTranslationFamily),
       transformer_section(), build_transformer},
      {"transformer_lm",
       "causal transformer language model reading windows of training.bptt tokens",
       family(kLanguageFamily), transformer_lm_section(), build_transformer_lm},
      {"skipgram", "word vectors: skip-gram with negative sampling (word2vec)",
       family(kEmbeddingFamily), skipgram_section(), build_skipgram},
      {"dmn", "dynamic memory network (DMN+) answering questions about a story", family(kQaFamily),
       dmn_section(), build_dmn},
  };
  return types;
}

const ModelType* find_model_type(const std::string& name) {
  for (const ModelType& type : model_types()) {
    if (type.name == name) return &type;
  }
  return nullptr;
}

bool in_family(const std::string& type_name, const std::string& family_name) {
  const ModelType* type = find_model_type(type_name);
  return type != nullptr && type->family->name == family_name;
}

}  // namespace recur
