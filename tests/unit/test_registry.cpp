// The registry of model types and families: the names model files and checkpoints keep, and each
// type's factory building a model of its family's interface.
#include "embedding/embedding_family.h"
#include "language/language_family.h"
#include "language/language_model_file.h"
#include "qa/qa_family.h"
#include "qa/qa_model_file.h"
#include "registry.h"
#include "test_util.h"
#include "translation/translation_family.h"
#include "translation/translation_model_file.h"

namespace recur::test {
namespace {

TEST(Registry, KeepsTheTypeNamesThatModelFilesAndCheckpointsStore) {
  std::vector<std::pair<std::string, std::string>> types;
  for (const ModelType& type : model_types())
    types.emplace_back(type.name, type.family->name);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"lstm_lm", kLanguageFamily},        {"seq2seq", kTranslationFamily},
      {"transformer", kTranslationFamily}, {"transformer_lm", kLanguageFamily},
      {"skipgram", kEmbeddingFamily},      {"dmn", kQaFamily}};
  EXPECT_EQ(types, expected);
  EXPECT_EQ(ExperimentConfig().model_type().name, "lstm_lm");
}

TEST(Registry, EveryTypeBuildsAModelOfItsFamily) {
  for (const ModelType& type : model_types()) {
    ExperimentConfig config;
    config.set_model_type(type);
    ParameterStore store;
    if (type.family->name == kQaFamily) {
      EXPECT_NE(make_qa_model(config, 10, store), nullptr) << type.name;
      EXPECT_THROW(make_language_model(config, 10, store), Error) << type.name;
    } else if (type.family->name == kEmbeddingFamily) {
      EXPECT_NE(type.build(config, {10, 10}, store), nullptr) << type.name;
      EXPECT_THROW(make_language_model(config, 10, store), Error) << type.name;
    } else if (type.family->name == kLanguageFamily) {
      EXPECT_NE(make_language_model(config, 10, store), nullptr) << type.name;
      EXPECT_THROW(make_translation_model(config, 10, 10, store), Error) << type.name;
    } else {
      EXPECT_NE(make_translation_model(config, 10, 12, store), nullptr) << type.name;
      EXPECT_THROW(make_language_model(config, 10, store), Error) << type.name;
    }
    EXPECT_GT(store.parameters().size(), 0u) << type.name;
  }
}

TEST(Registry, FindsTypesByName) {
  ASSERT_NE(find_model_type("transformer_lm"), nullptr);
  EXPECT_EQ(find_model_type("transformer_lm")->family->name, kLanguageFamily);
  EXPECT_EQ(find_model_type("gru_lm"), nullptr);
  EXPECT_TRUE(in_family("seq2seq", kTranslationFamily));
  EXPECT_FALSE(in_family("seq2seq", kLanguageFamily));
  EXPECT_FALSE(in_family("gru_lm", kLanguageFamily));
}

}  // namespace
}  // namespace recur::test
