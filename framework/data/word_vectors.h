// Word vectors in the text formats of word2vec and GloVe, to start embedding tables from
// (model.pretrained_embeddings) and to export them (recur export-embeddings).
//
// word2vec text: a header line "count dim", then one line per word: the word and its dim values,
// separated by spaces (or tabs; CRLF line ends are read too). GloVe: the same lines without the
// header. A first line of exactly two integers is a word2vec header; anything else starts GloVe
// vectors. The last dim fields of a line are the values, so a word may contain spaces.
#pragma once

#include <string>

#include "core/tensor.h"
#include "data/vocab.h"

namespace recur {

struct WordVectorCoverage {
  int64_t found = 0;       // vocabulary tokens the file has a vector for
  int64_t vocabulary = 0;  // the vocabulary's size
  int64_t vectors = 0;     // lines of vectors in the file
  std::string format;      // "word2vec" or "GloVe"

  // "41,203 of 45,000 tokens found in FILE (word2vec text, 300 dimensions, 400,000 vectors)"
  std::string str(const std::string& path, int64_t dim) const;
};

// Copies the vector of every token of `vocab` that the file at `path` has (the first, if it has
// several) into that token's row of `weight` (vocab size, dim), f32 or f64 on the host; other rows
// keep their values. Throws Error naming the file (and line) when it cannot be read, a line has
// fewer than dim values, a value is not a finite number, or a word2vec header's count or
// dimension disagrees with the lines.
WordVectorCoverage read_word_vectors(const std::string& path, const Vocab& vocab, Tensor& weight);

// Writes the rows of weight (vocab size, dim) in word2vec text format, one line per token in id
// order, values with 9 significant digits (exact for f32). Tokens that contain whitespace (a
// character model's space) cannot be written in the format and are left out; returns how many.
int64_t write_word_vectors(const std::string& path, const Vocab& vocab, const Tensor& weight);

}  // namespace recur
