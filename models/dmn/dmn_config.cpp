#include "dmn/dmn_config.h"

namespace recur {

void DmnConfig::describe(ConfigVisitor& v) {
  v.field("embedding_size", embedding_size, "size of the word embeddings", Bounds::at_least(1));
  v.field("hidden_size", hidden_size,
          "size of the fact vectors, the question vector and the memory (even: the input fusion "
          "layer's two directions have half of it each)",
          Bounds::at_least(2));
  v.field("passes", passes,
          "episodes: passes of attention over the facts, each updating the memory; 0 answers "
          "from the question alone (the baseline that shows what the facts add)",
          Bounds::non_negative());
  v.field("dropout", dropout,
          "dropout on the question's word embeddings and on the fact vectors before and after "
          "the input fusion layer",
          Bounds::probability());
}

void DmnConfig::check(ConfigChecker& c) const {
  c.require(hidden_size % 2 == 0, "model.hidden_size",
            "must be even: the input fusion layer's two directions have half of it each");
}

}  // namespace recur
