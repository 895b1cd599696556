#include "lstm_lm/lstm_lm_config.h"

namespace recur {

void LstmLmConfig::describe(ConfigVisitor& v) {
  describe_cell(v, cell);
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
  v.field(
      "learned_init", learned_init,
      "the initial h (and c) of every layer are parameters (rnn/layer<l>/fwd/h0, c0) instead of "
      "zeros; the state restarts from them where a document starts");
  v.path("pretrained_embeddings", pretrained_embeddings,
         "word vectors (word2vec or GloVe text) to start the embeddings of the tokens they have "
         "from; the others start as usual",
         false);
  v.field("freeze_embeddings", freeze_embeddings,
          "the embeddings keep the values they start with (pretrained or initialised): no "
          "gradient, left out of the all-reduce, clipping and the optimiser");
}

void LstmLmConfig::check(ConfigChecker& c) const {
  c.require(!tie_embeddings || hidden_size == embedding_size, "model.tie_embeddings",
            "needs model.hidden_size == model.embedding_size");
  c.require(!(freeze_embeddings && tie_embeddings), "model.freeze_embeddings",
            "cannot freeze tied embeddings: they are also the output layer, which must train "
            "(set model.tie_embeddings: false)");
}

}  // namespace recur
