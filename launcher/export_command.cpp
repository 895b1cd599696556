#include <cstdio>

#include "commands.h"
#include "data/word_vectors.h"
#include "language/language_model_file.h"
#include "model_io.h"
#include "registry.h"
#include "translation/translation_model_file.h"

namespace recur::cli {

namespace {

struct ExportArgs {
  std::string checkpoint, side = "target", out;
};

// The embedding table `path` of a store, which must have it.
Tensor table_of(const ParameterStore& store, const std::string& path, const std::string& model) {
  const Parameter* p = store.find(path);
  RECUR_CHECK(p != nullptr, model, " has no ", path);
  return p->var().value();
}

void export_embeddings(const ExportArgs& a) {
  const std::string type = read_model_source(a.checkpoint).identity.model_type;
  int64_t left_out = 0;
  if (in_family(type, "language")) {
    const std::unique_ptr<LoadedLanguageModel> lm = load_language_model(a.checkpoint);
    left_out =
        write_word_vectors(a.out, lm->vocab, table_of(lm->store, "embedding/weight", a.checkpoint));
  } else {
    const std::unique_ptr<LoadedTranslationModel> t = load_translation_model(a.checkpoint);
    const bool source = a.side == "source";
    // A transformer that shares its embeddings has the source table alone.
    const std::string path = source || t->store.find("target_embedding/weight") == nullptr
                                 ? "source_embedding/weight"
                                 : "target_embedding/weight";
    left_out = write_word_vectors(
        a.out, source ? t->vocabularies.source_vocab : t->vocabularies.target_vocab,
        table_of(t->store, path, a.checkpoint));
  }
  const std::string note =
      left_out > 0 ? concat(" (left out ", left_out, left_out == 1 ? " token" : " tokens",
                            " with whitespace, which the format cannot hold)")
                   : "";
  std::fprintf(stderr, "recur: wrote %s%s\n", a.out.c_str(), note.c_str());
}

}  // namespace

void add_export_embeddings_command(CLI::App& app) {
  auto a = std::make_shared<ExportArgs>();
  CLI::App* cmd = app.add_subcommand(
      "export-embeddings",
      "write a trained model's embedding table as word vectors (word2vec text format), which "
      "model.pretrained_embeddings reads");
  cmd->add_option("--checkpoint", a->checkpoint, "model file, run or checkpoint directory")
      ->required();
  cmd->add_option("--side", a->side, "a translation model's table: source or target")
      ->capture_default_str()
      ->check(CLI::IsMember({"source", "target"}));
  cmd->add_option("--out", a->out, "the word-vector file to write")->required();
  cmd->callback([a] { export_embeddings(*a); });
}

}  // namespace recur::cli
