#include "data/text_corpus.h"

#include <algorithm>
#include <fstream>

#include "core/error.h"
#include "core/file_hash.h"

namespace recur {

void TextCorpus::scan(
    const std::string& path,
    const std::function<void(const std::string& line, bool starts_document)>& visit,
    const LineRange& lines) {
  LineReader reader(path, lines);
  bool any = false, starts_document = lines.after_empty;
  std::string line;
  while (reader.next(line)) {
    if (line.empty()) {
      starts_document = true;
      continue;
    }
    visit(line, starts_document);
    starts_document = false;
    any = true;
  }
  RECUR_CHECK(any || !lines.whole(), "data file '", path, "' is empty (no non-empty line)");
}

TextCorpus TextCorpus::read(const std::string& path) {
  TextCorpus corpus;
  corpus.path = path;
  scan(path, [&](const std::string& line, bool starts_document) {
    if (starts_document) corpus.documents.emplace_back();
    corpus.documents.back().push_back(line);
  });
  return corpus;
}

int64_t TextCorpus::lines() const {
  int64_t n = 0;
  for (const auto& d : documents)
    n += static_cast<int64_t>(d.size());
  return n;
}

std::unordered_map<std::string, int64_t> count_tokens(const std::string& path, TokenizerType type,
                                                      bool lowercase) {
  std::unordered_map<std::string, int64_t> counts;
  TextCorpus::scan(path, [&](const std::string& line, bool) {
    for (const Token& t : tokenize(type, line, lowercase))
      counts[t.text] += 1;
  });
  return counts;
}

TokenSequence TokenSequence::of(std::vector<int32_t> ids, std::vector<int32_t> chars,
                                int64_t unknown) {
  RECUR_CHECK(ids.size() == chars.size(), "a token sequence of ", ids.size(), " ids and ",
              chars.size(), " character counts");
  struct Vectors {
    std::vector<int32_t> ids, chars;
  };
  auto owner = std::make_shared<Vectors>(Vectors{std::move(ids), std::move(chars)});
  TokenSequence seq;
  const auto n = static_cast<int64_t>(owner->ids.size());
  seq.ids_ = UintArray(owner->ids.data(), 4, n);
  seq.chars_ = UintArray(owner->chars.data(), 4, n);
  seq.unknown_ = unknown;
  seq.ids_hash_ = hash_bytes(owner->ids.data(), owner->ids.size() * sizeof(int32_t));
  seq.owner_ = std::move(owner);
  return seq;
}

TokenSequence TokenSequence::encode(const TextCorpus& corpus, const Vocab& vocab) {
  std::vector<int32_t> ids, chars;
  int64_t unknown = 0;
  auto push = [&](int32_t id, int32_t n) {
    ids.push_back(id);
    chars.push_back(n);
  };
  for (const auto& document : corpus.documents) {
    push(Vocab::kBos, 0);
    for (const std::string& line : document) {
      for (const Token& t : tokenize(vocab.tokenizer(), line, vocab.lowercase())) {
        const int32_t id = vocab.id(t.text);
        unknown += id == Vocab::kUnk;
        push(id, t.chars);
      }
      push(Vocab::kEos, 1);
    }
  }
  return of(std::move(ids), std::move(chars), unknown);
}

TokenSequence TokenSequence::mapped(const TokenStore& store) {
  const std::string origin = store.directory() + "/manifest.json";
  TokenSequence seq;
  seq.ids_ = store.array("ids");
  seq.chars_ = store.array("chars");
  RECUR_CHECK(seq.ids_.size() == seq.chars_.size() &&
                  seq.ids_.size() == json_get<int64_t>(store.meta(), "tokens", origin),
              store.directory(), ": ids, chars and tokens disagree (prepare the data again)");
  seq.unknown_ = json_get<int64_t>(store.meta(), "unknown", origin);
  seq.ids_hash_ = std::stoull(json_get<std::string>(store.meta(), "ids_hash", origin), nullptr, 16);
  seq.owner_ = std::make_shared<TokenStore>(store);
  return seq;
}

Json write_token_sequence(const std::string& path, const Vocab& vocab, TokenStoreWriter& writer,
                          const LineRange& lines) {
  ArrayWriter& ids = writer.array("ids", static_cast<uint64_t>(vocab.size() - 1));
  // A character stands for one character; a word for itself and the spaces after it (any number).
  ArrayWriter& chars =
      writer.array("chars", vocab.tokenizer() == TokenizerType::Char ? 0xff : 0xffffffff);
  StreamHash ids_hash;  // of the ids as 32-bit integers, as TokenSequence::of computes it
  int64_t tokens = 0, unknown = 0, documents = 0;
  auto push = [&](int32_t id, int32_t n) {
    ids.push(static_cast<uint64_t>(id));
    chars.push(static_cast<uint64_t>(n));
    ids_hash.add(&id, sizeof(id));
    ++tokens;
  };
  TextCorpus::scan(
      path,
      [&](const std::string& line, bool starts_document) {
        if (starts_document) {
          push(Vocab::kBos, 0);
          ++documents;
        }
        for (const Token& t : tokenize(vocab.tokenizer(), line, vocab.lowercase())) {
          const int32_t id = vocab.id(t.text);
          unknown += id == Vocab::kUnk;
          push(id, t.chars);
        }
        push(Vocab::kEos, 1);
      },
      lines);
  return Json{{"tokens", tokens},
              {"unknown", unknown},
              {"ids_hash", hex64(ids_hash.finish())},
              {"documents", documents}};
}

Json merge_token_sequences(const std::vector<TokenStore>& parts, TokenStoreWriter& writer) {
  RECUR_CHECK(!parts.empty(), "no parts to merge");
  ArrayWriter& ids = writer.array("ids", max_of_width(parts[0].array("ids").width()));
  ArrayWriter& chars = writer.array("chars", max_of_width(parts[0].array("chars").width()));
  StreamHash ids_hash;
  int64_t tokens = 0, unknown = 0, documents = 0;
  for (const TokenStore& part : parts) {
    const TokenSequence seq = TokenSequence::mapped(part);
    for (int64_t i = 0; i < seq.size(); ++i) {
      const int32_t id = seq.id(i);
      ids.push(static_cast<uint64_t>(id));
      chars.push(static_cast<uint64_t>(seq.chars(i)));
      ids_hash.add(&id, sizeof(id));
      // Read once in order: keep the part's resident pages bounded.
      if ((i + 1) % (int64_t{1} << 22) == 0) part.release_pages();
    }
    tokens += seq.size();
    unknown += seq.unknown();
    documents += part.meta().value("documents", int64_t{0});
    part.release_pages();
  }
  return Json{{"tokens", tokens},
              {"unknown", unknown},
              {"ids_hash", hex64(ids_hash.finish())},
              {"documents", documents}};
}

}  // namespace recur
