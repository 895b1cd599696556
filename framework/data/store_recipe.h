// What a prepared store was made from (its recipe), and whether it is still what the config
// makes: shared by the language and the translation models' prepared data (docs/data-format.md).
#pragma once

#include <functional>
#include <string>

#include "core/json.h"
#include "data/vocab.h"

namespace recur {

// What a text file was when it was prepared (absolute path, size, modification time): another
// size or modification time makes its store stale. Throws Error when the file cannot be read.
Json file_stamp(const std::string& path);

// A hash of a vocabulary's tokenizer settings and tokens, in hex.
std::string vocab_hash(const Vocab& vocab);

// Why the store in `folder` is not the one `recipe` makes with the vocabulary of hash `vocab`, or
// is not whole (sizes; content hashes with `verify`); "" when it is. The reasons: "new",
// "damaged: ...", "its text changed" (recipe key "text"), "another tokenizer" ("tokenizer",
// "lowercase"), "another vocabulary" ("vocab" or the hash), "another KEY" (any other key).
std::string why_stale(const std::string& folder, const Json& recipe, const std::string& vocab,
                      bool verify);

// Replaces the file `path` by what `write(temporary)` writes into a temporary beside it, so that a
// reader finds the old file or the whole new one.
void replace_file(const std::string& path, const std::function<void(const std::string&)>& write);

}  // namespace recur
