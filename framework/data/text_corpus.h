// Plain-text corpora for language modelling: one sentence (verse) per line; an empty line ends a
// document (for the Bible, a book). Documents matter: the LM's state is reset where one starts.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "data/line_ranges.h"
#include "data/token_store.h"
#include "data/vocab.h"

namespace recur {

struct TextCorpus {
  std::string path;
  std::vector<std::vector<std::string>> documents;  // the lines of each document

  // Throws Error naming the file when it is missing, unreadable, empty, or not UTF-8.
  static TextCorpus read(const std::string& path);
  // Reads the file (or its `lines`) a line at a time, without keeping it: `visit(line,
  // starts_document)` for every non-empty line (without its line break). Throws as read does (a
  // range may be empty).
  static void scan(const std::string& path,
                   const std::function<void(const std::string& line, bool starts_document)>& visit,
                   const LineRange& lines = {});
  int64_t lines() const;
};

// How often each token of a text file occurs (for building a vocabulary), read a line at a time.
std::unordered_map<std::string, int64_t> count_tokens(const std::string& path, TokenizerType type,
                                                      bool lowercase);

// A corpus as one token sequence: every document is <bos>, then each line's tokens and <eos>.
// Held in memory (encode, of) or mapped from a prepared store (docs/data-format.md); copies share
// what they view.
class TokenSequence {
 public:
  TokenSequence() = default;
  // `chars`: the characters each token stands for (<eos>: the newline; <bos>: 0); `unknown`: how
  // many tokens became <unk>.
  static TokenSequence of(std::vector<int32_t> ids, std::vector<int32_t> chars,
                          int64_t unknown = 0);
  static TokenSequence encode(const TextCorpus& corpus, const Vocab& vocab);
  // The arrays "ids" and "chars" of a store that write_token_sequence wrote.
  static TokenSequence mapped(const TokenStore& store);

  int32_t id(int64_t i) const { return static_cast<int32_t>(ids_[i]); }
  int32_t chars(int64_t i) const { return static_cast<int32_t>(chars_[i]); }
  int64_t size() const { return ids_.size(); }
  int64_t unknown() const { return unknown_; }
  // A hash of the ids as 32-bit integers: what checkpoints record of the training data.
  uint64_t ids_hash() const { return ids_hash_; }

 private:
  UintArray ids_, chars_;
  std::shared_ptr<const void> owner_;  // what the arrays view: vectors or a mapped store
  int64_t unknown_ = 0;
  uint64_t ids_hash_ = 0;
};

// What TokenSequence::encode gives for a text file (or for its `lines`: a part of it), written as a
// store's arrays "ids" and "chars" a line at a time, without holding the text or its tokens.
// Returns the figures `mapped` reads from the store's meta (tokens, unknown, ids_hash) and the
// number of documents.
Json write_token_sequence(const std::string& path, const Vocab& vocab, TokenStoreWriter& writer,
                          const LineRange& lines = {});

// The stores of write_token_sequence's parts of a text, in order, as one store written by
// `writer`: the arrays concatenated, the figures summed, the ids hash of the whole.
Json merge_token_sequences(const std::vector<TokenStore>& parts, TokenStoreWriter& writer);

}  // namespace recur
