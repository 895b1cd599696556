// The question-answering family's data: story files in bAbI's format (data/qa_stories.h), their
// words as ids of one vocabulary built from the training stories.
#pragma once

#include <string>
#include <vector>

#include "config/visitor.h"
#include "data/qa_stories.h"
#include "data/vocab.h"

namespace recur {

// The data section of a question-answering model.
struct QaDataConfig {
  std::string train;  // stories in bAbI's format
  std::string valid;
  std::string test;
  bool lowercase = true;
  int64_t max_facts = 0;  // a question sees at most its story's last max_facts facts (0: all)

  void describe(ConfigVisitor& v);
};

// One question as ids.
struct QaItem {
  std::vector<std::vector<int32_t>> facts;  // the facts before it (the last max_facts)
  std::vector<int32_t> question;
  int32_t answer = 0;
};

struct QaSplit {
  std::vector<QaItem> items;
  int64_t size() const { return static_cast<int64_t>(items.size()); }
};

struct QaData {
  Vocab vocab;
  QaSplit train, valid, test;  // valid and test are empty when not configured

  // Reads the configured files; the vocabulary is `vocab` when given (a resumed or loaded run's),
  // else every word of the training stories.
  static QaData read(const QaDataConfig& config, const Vocab* vocab = nullptr);
  // A hash of the training items: a resumed run checks that it trains on the same data.
  std::string train_hash() const;
};

// The vocabulary of a story file's words (facts, questions and answers).
Vocab qa_vocab(const std::vector<QaExample>& examples, bool lowercase);
// A story file as ids; throws Error naming the file and line of an answer the vocabulary lacks
// (a model can only answer with the words it knows).
QaSplit encode_qa_file(const std::string& path, const QaDataConfig& config, const Vocab& vocab);

}  // namespace recur
