// The word vectors of a trained model: its embedding table beside its vocabulary (recur
// export-embeddings writes them, recur analyze neighbours searches them).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/tensor.h"
#include "data/vocab.h"

namespace recur {

struct WordTable {
  Vocab vocab;
  Tensor vectors;  // (V, D) f32 on the host, row i the vector of vocab.token(i)
};

// `path`: a model file, run or checkpoint directory of any model type. A translation model has a
// table per side (`side`: "source" or "target"; a transformer that shares them has one); the
// others have one, embedding/weight.
WordTable read_word_table(const std::string& path, const std::string& side = "target");

struct Neighbour {
  std::string word;
  double cosine = 0.0;
};
// The `count` words whose vectors are nearest to row `word`'s by cosine similarity, nearest first
// (the word itself and the special tokens left out; ties by id).
std::vector<Neighbour> nearest_words(const WordTable& table, int32_t word, int64_t count);

}  // namespace recur
