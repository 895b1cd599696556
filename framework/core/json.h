// JSON in recur: one reader and one writer for every JSON file it writes or reads (checkpoint
// manifests, metrics.jsonl, benchmark results, PyTorch reference output). Values are
// nlohmann::ordered_json, so keys keep the order they were added in.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace recur {

using Json = nlohmann::ordered_json;

// One line, `{"key": value, "other": [1, 2]}`: the separators people and grep expect in
// metrics.jsonl. Numbers are exact (shortest round trip); NaN and infinities, which JSON lacks,
// are null.
std::string json_line(const Json& value);

// For people, with a final newline: an object's members one per line, the items of an array member
// one per line, anything deeper on that line (json_line). Checkpoint manifests.
std::string json_document(const Json& object);

// Parses `text`; on malformed JSON an Error names `origin` (a file, or a file:line).
Json parse_json(const std::string& text, const std::string& origin);
// The whole file parsed; an Error names it when it cannot be read or parsed.
Json read_json_file(const std::string& path);

// value[key] as T; an Error names `origin` and the key when it is missing or of another type.
template <class T>
T json_get(const Json& value, const char* key, const std::string& origin);

}  // namespace recur
