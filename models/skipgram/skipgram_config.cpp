#include "skipgram/skipgram_config.h"

namespace recur {

void SkipGramConfig::describe(ConfigVisitor& v) {
  v.field("embedding_size", embedding_size, "size of the word vectors", Bounds::at_least(1));
  sampling.describe(v);
}

}  // namespace recur
