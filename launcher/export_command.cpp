#include <cstdio>

#include "commands.h"
#include "data/word_vectors.h"
#include "word_table.h"

namespace recur::cli {

namespace {

struct ExportArgs {
  std::string checkpoint, side = "target", out;
};

void export_embeddings(const ExportArgs& a) {
  const WordTable table = read_word_table(a.checkpoint, a.side);
  const int64_t left_out = write_word_vectors(a.out, table.vocab, table.vectors);
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
