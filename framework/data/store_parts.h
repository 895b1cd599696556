// One token store prepared by every rank of a job together: each rank writes its part of the text
// (a range of lines), then rank 0 merges the parts into the store (docs/data-format.md).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/json.h"
#include "data/token_store.h"
#include "dist/communicator.h"

namespace recur {

struct StoreParts {
  // Writes the whole store into `writer` (one process alone); returns its meta.
  std::function<Json(TokenStoreWriter& writer)> write_whole;
  // Writes part `part` of comm.world_size() into `writer`; returns its meta.
  std::function<Json(int part, TokenStoreWriter& writer)> write_part;
  // Writes the parts, in order, as the whole store into `writer`; returns its meta.
  std::function<Json(const std::vector<TokenStore>& parts, TokenStoreWriter& writer)> merge;
};

// Writes the store `directory`: alone, with write_whole; else rank r writes part r into
// DIRECTORY.parts/r, and once all have, rank 0 merges them and commits the store with the merged
// meta and `extra` (recipe, vocabulary hash), then removes the parts. Every rank returns when the
// store is in place. The waits are untimed: a part may take longer than a collective may.
void prepare_in_parts(Communicator& comm, const std::string& directory, const StoreParts& parts,
                      const Json& extra);

// Rank 0's stale stores (indices below `stores`), for every rank. Waits untimed first: rank 0 may
// build vocabularies for longer than a collective may take.
std::vector<int32_t> share_stale(Communicator& comm, std::vector<int32_t> stale, size_t stores);

}  // namespace recur
