// The language model's data: vocabulary and the token sequences of the train/valid/test texts.
#pragma once

#include <string>

#include "config/visitor.h"
#include "data/text_corpus.h"
#include "data/tokenizer.h"
#include "dist/communicator.h"

namespace recur {

// The data section of a language model: its texts and how they become tokens.
struct LanguageModelDataConfig {
  std::string train;  // one sentence per line; an empty line ends a document
  std::string valid;
  std::string test;
  TokenizerType tokenizer = TokenizerType::Char;
  bool lowercase = false;
  std::string vocab;  // an existing vocabulary file; empty: built from the training data
  int64_t min_frequency = 1;
  int64_t max_vocab = 0;  // 0: no limit
  std::string prepared;   // the prepared token stores; empty: <run_dir>/prepared

  void describe(ConfigVisitor& v);
};

struct LanguageModelData {
  Vocab vocab;
  TokenSequence train, valid, test;  // valid and test are empty when not configured

  // Maps the token stores that prepare_language_data wrote into `folder` for `config`.
  static LanguageModelData open(const LanguageModelDataConfig& config, const std::string& folder);
  // A hash of the training tokens: a resumed run checks that it trains on the same data.
  std::string train_hash() const;
};

// Writes the prepared form of the texts into `folder` (docs/data-format.md): vocab.txt and a token
// store per configured text (train, valid, test), each replaced only when it is missing, damaged
// (sizes; content hashes with `verify`) or stale: its text file's size or modification time, the
// tokenizer or the vocabulary changed. The vocabulary is `vocab` when given (a resumed run's),
// else data.vocab's, else the one prepared before from the same data.train with the same
// settings, else built from data.train. Returns what it did and why, for the log: "prepared
// train (new), valid (its text changed) in FOLDER", or "FOLDER is up to date".
// `together`: the ranks that prepare the stores together (every one calls this; each tokenises a
// part of each text, rank 0 merges the parts); nullptr: this process alone.
std::string prepare_language_data(const LanguageModelDataConfig& config, const Vocab* vocab,
                                  const std::string& folder, bool verify,
                                  Communicator* together = nullptr);

// Encodes a text file. Throws Error if the vocabulary does not fit the text (check_vocab_fits).
TokenSequence encode_file(const std::string& path, const Vocab& vocab);
// Throws Error if more than half of a text's tokens are unknown (another language, another
// tokenizer).
void check_vocab_fits(const std::string& path, const Vocab& vocab, int64_t unknown, int64_t tokens);

}  // namespace recur
