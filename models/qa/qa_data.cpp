#include "qa/qa_data.h"

#include <unordered_map>

#include "core/error.h"
#include "core/file_hash.h"

namespace recur {

void QaDataConfig::describe(ConfigVisitor& v) {
  v.path("train", train,
         "training stories in bAbI's format: numbered lines from 1 per story, \"ID sentence\" "
         "facts and \"ID question<TAB>answer<TAB>supporting IDs\" questions "
         "(datasets/babi/generate.py)",
         true);
  v.path("valid", valid, "validation stories (same format)", false);
  v.path("test", test, "test stories (same format), the default data of recur eval", false);
  v.field("lowercase", lowercase, "lowercase ASCII letters before splitting words");
  v.field("max_facts", max_facts,
          "a question sees at most the last this many facts of its story (0: all)",
          Bounds::non_negative());
}

Vocab qa_vocab(const std::vector<QaExample>& examples, bool lowercase) {
  std::unordered_map<std::string, int64_t> counts;
  for (const QaExample& e : examples) {
    for (const auto& fact : e.facts) {
      for (const std::string& w : fact)
        counts[w] += 1;
    }
    for (const std::string& w : e.question)
      counts[w] += 1;
    counts[e.answer] += 1;
  }
  return Vocab::build(counts, {}, TokenizerType::Word, lowercase);
}

namespace {

std::vector<int32_t> ids_of(const std::vector<std::string>& words, const Vocab& vocab) {
  std::vector<int32_t> ids;
  for (const std::string& w : words)
    ids.push_back(vocab.id(w));
  return ids;
}

QaItem item_of(const QaExample& e, const std::string& path, const QaDataConfig& config,
               const Vocab& vocab) {
  QaItem item;
  const auto first = config.max_facts > 0 && std::ssize(e.facts) > config.max_facts
                         ? std::ssize(e.facts) - config.max_facts
                         : 0;
  for (auto f = e.facts.begin() + first; f != e.facts.end(); ++f)
    item.facts.push_back(ids_of(*f, vocab));
  item.question = ids_of(e.question, vocab);
  item.answer = vocab.id(e.answer);
  RECUR_CHECK(item.answer != Vocab::kUnk, path, ":", e.line, ": the answer \"", e.answer,
              "\" is not in the vocabulary of the training stories");
  return item;
}

}  // namespace

QaSplit encode_qa_file(const std::string& path, const QaDataConfig& config, const Vocab& vocab) {
  QaSplit split;
  for (const QaExample& e : read_qa_file(path, config.lowercase))
    split.items.push_back(item_of(e, path, config, vocab));
  return split;
}

QaData QaData::read(const QaDataConfig& config, const Vocab* vocab) {
  QaData data;
  data.vocab = vocab != nullptr
                   ? *vocab
                   : qa_vocab(read_qa_file(config.train, config.lowercase), config.lowercase);
  data.train = encode_qa_file(config.train, config, data.vocab);
  if (!config.valid.empty()) data.valid = encode_qa_file(config.valid, config, data.vocab);
  if (!config.test.empty()) data.test = encode_qa_file(config.test, config, data.vocab);
  return data;
}

std::string QaData::train_hash() const {
  StreamHash hash;
  auto add = [&](const std::vector<int32_t>& ids) {
    const auto n = static_cast<int64_t>(ids.size());
    hash.add(&n, sizeof n);
    hash.add(ids.data(), ids.size() * sizeof(int32_t));
  };
  for (const QaItem& item : train.items) {
    for (const auto& fact : item.facts)
      add(fact);
    add(item.question);
    add({item.answer});
  }
  return hex64(hash.finish());
}

}  // namespace recur
