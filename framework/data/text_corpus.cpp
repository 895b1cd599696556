#include "data/text_corpus.h"

#include <fstream>

#include "core/error.h"

namespace recur {

TextCorpus TextCorpus::read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  RECUR_CHECK(in, "cannot read data file '", path, "': no such file or not readable");
  TextCorpus corpus;
  corpus.path = path;
  std::vector<std::string> document;
  std::string line;
  for (int64_t number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      if (!document.empty()) corpus.documents.push_back(std::move(document));
      document.clear();
      continue;
    }
    try {
      utf8_length(line);
    } catch (const Error& e) {
      fail(path, ":", number, ": ", e.what());
    }
    document.push_back(std::move(line));
  }
  if (!document.empty()) corpus.documents.push_back(std::move(document));
  RECUR_CHECK(!in.bad(), "error reading data file '", path, "'");
  RECUR_CHECK(!corpus.documents.empty(), "data file '", path, "' is empty (no non-empty line)");
  return corpus;
}

int64_t TextCorpus::lines() const {
  int64_t n = 0;
  for (const auto& d : documents)
    n += static_cast<int64_t>(d.size());
  return n;
}

std::unordered_map<std::string, int64_t> count_tokens(const TextCorpus& corpus, TokenizerType type,
                                                      bool lowercase) {
  std::unordered_map<std::string, int64_t> counts;
  for (const auto& document : corpus.documents) {
    for (const std::string& line : document) {
      for (const Token& t : tokenize(type, line, lowercase))
        counts[t.text] += 1;
    }
  }
  return counts;
}

TokenSequence TokenSequence::encode(const TextCorpus& corpus, const Vocab& vocab) {
  TokenSequence seq;
  auto push = [&](int32_t id, int32_t chars) {
    seq.ids.push_back(id);
    seq.chars.push_back(chars);
  };
  for (const auto& document : corpus.documents) {
    push(Vocab::kBos, 0);
    for (const std::string& line : document) {
      for (const Token& t : tokenize(vocab.tokenizer(), line, vocab.lowercase())) {
        const int32_t id = vocab.id(t.text);
        seq.unknown += id == Vocab::kUnk;
        push(id, t.chars);
      }
      push(Vocab::kEos, 1);
    }
  }
  return seq;
}

}  // namespace recur
