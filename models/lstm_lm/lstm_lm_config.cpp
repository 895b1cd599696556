#include "lstm_lm/lstm_lm_config.h"

namespace recur {

void LstmLmConfig::describe(ConfigVisitor& v) {
  v.choice("cell", cell, {{"lstm", CellType::Lstm}, {"gru", CellType::Gru}}, "recurrent cell");
  v.field("embedding_size", embedding_size, "size of the token embeddings", Bounds::at_least(1));
  v.field("hidden_size", hidden_size, "size of each recurrent layer", Bounds::at_least(1));
  v.field("layers", layers, "number of stacked recurrent layers", Bounds::at_least(1));
  v.field("dropout", dropout, "dropout between recurrent layers", Bounds::probability());
  v.field("embedding_dropout", embedding_dropout, "dropout on the embeddings",
          Bounds::probability());
  v.field("output_dropout", output_dropout, "dropout on the top recurrent layer's output",
          Bounds::probability());
  v.field("tie_embeddings", tie_embeddings,
          "the output layer shares the embedding matrix (needs hidden_size == embedding_size)");
  v.field("residual", residual, "residual connections around layers 2 and up");
}

void LstmLmConfig::check(ConfigChecker& c) const {
  c.require(!tie_embeddings || hidden_size == embedding_size, "model.tie_embeddings",
            "needs model.hidden_size == model.embedding_size");
}

void LanguageModelDataConfig::describe(ConfigVisitor& v) {
  v.path("train", train, "training text: one sentence per line, an empty line ends a document",
         true);
  v.path("valid", valid, "validation text (same format)", false);
  v.path("test", test, "test text (same format), the default data of recur eval", false);
  v.choice("tokenizer", tokenizer, {{"char", TokenizerType::Char}, {"word", TokenizerType::Word}},
           "char: UTF-8 characters; word: runs of letters and digits, punctuation apart");
  v.field("lowercase", lowercase, "lowercase ASCII letters before tokenising");
  v.path("vocab", vocab, "use this vocabulary file instead of building one from data.train", false);
  v.field("min_frequency", min_frequency, "tokens seen fewer times in data.train become <unk>",
          Bounds::at_least(1));
  v.field("max_vocab", max_vocab, "keep at most this many tokens, specials included (0: all)",
          Bounds::non_negative());
}

}  // namespace recur
