// A translation model's data: tokenisers, vocabularies, and the parallel texts, prepared once into
// token stores (docs/data-format.md) that every rank maps.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "checkpoint/run_identity.h"
#include "config/visitor.h"
#include "data/parallel_corpus.h"
#include "dist/communicator.h"

namespace recur {

// The data section of a translation model: its parallel texts and how they become tokens.
struct TranslationDataConfig {
  std::string source_train, target_train;
  std::string source_valid, target_valid;
  std::string source_test, target_test;
  TokenizerType tokenizer = TokenizerType::Word;
  bool lowercase = false;
  int64_t subword_vocab = 8000;      // pieces of each subword model
  int64_t subword_sample = 1000000;  // lines of each side a subword model is trained on, at most
  bool joint_vocab = false;          // one tokeniser and vocabulary for both sides
  int64_t min_frequency = 1;
  int64_t max_vocab = 0;
  int64_t max_length =
      100;               // training pairs with a longer side (in tokens) are skipped; 0: no limit
  std::string prepared;  // the prepared token stores; empty: <run_dir>/prepared

  void describe(ConfigVisitor& v);
  void check(ConfigChecker& c) const;
};

struct TranslationData {
  std::shared_ptr<TextTokenizer> source_tokenizer, target_tokenizer;
  Vocab source_vocab, target_vocab;
  ParallelData train, valid, test;
  std::vector<std::string> valid_references, test_references;  // target lines of the kept pairs

  // Maps the stores that prepare_translation_data wrote into `folder` for `config`, with the
  // tokenisers and vocabularies beside them.
  static TranslationData open(const TranslationDataConfig& config, const std::string& folder);

  // What model files and checkpoints carry besides the target vocabulary.
  std::map<std::string, std::string> identity_extra() const;
  // The tokenisers and vocabularies of a stored identity (translate, eval).
  static TranslationData from_identity(const RunIdentity& identity);
};

// Writes the prepared form of the parallel texts into `folder` (docs/data-format.md): the
// tokenisers' subword models and vocabularies, and a token store per configured split, each
// replaced only when missing, damaged (sizes; content hashes with `verify`) or stale: a text
// file's size or modification time, the tokenizer, the vocabularies or data.max_length changed.
// The tokenisers and vocabularies are those of `given` (a resumed run's), else the ones prepared
// before from the same training texts with the same settings, else built from the training texts
// (subword models trained with `threads` threads on at most data.subword_sample lines per side).
// Returns what it did and why, as prepare_language_data does.
// `together`: the ranks that prepare the stores together (every one calls this; each tokenises a
// part of each split, rank 0 merges the parts); nullptr: this process alone.
std::string prepare_translation_data(const TranslationDataConfig& config,
                                     const TranslationData* given, const std::string& folder,
                                     int threads, bool verify, Communicator* together = nullptr);

}  // namespace recur
