// A translation model's data: tokenisers, vocabularies, and the encoded parallel texts.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checkpoint/checkpoint.h"
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
  int64_t subword_vocab = 8000;  // pieces of each subword model
  bool joint_vocab = false;      // one tokeniser and vocabulary for both sides
  int64_t min_frequency = 1;
  int64_t max_vocab = 0;
  int64_t max_length =
      100;  // training pairs with a longer side (in tokens) are skipped; 0: no limit

  void describe(ConfigVisitor& v);
  void check(ConfigChecker& c) const;
};

struct TranslationData {
  std::shared_ptr<TextTokenizer> source_tokenizer, target_tokenizer;
  Vocab source_vocab, target_vocab;
  ParallelData train, valid, test;
  std::vector<std::string> valid_references, test_references;  // target lines of the kept pairs

  // Tokenisers and vocabularies come from `identity` (a resumed or initialised run) or are built
  // by rank 0 from the training text (training SentencePiece models for subword units) and saved
  // in run_dir for the other ranks.
  static TranslationData load(const TranslationDataConfig& config, int threads, Communicator& comm,
                              const std::filesystem::path& run_dir, const RunIdentity* identity);

  // What model files and checkpoints carry besides the target vocabulary.
  std::map<std::string, std::string> identity_extra() const;
  // The tokenisers and vocabularies of a stored identity (translate, eval).
  static TranslationData from_identity(const RunIdentity& identity);
};

}  // namespace recur
