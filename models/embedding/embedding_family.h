// The word-vector family's row in the registry (registry.cpp): models that learn embeddings from
// one text (skip-gram). Its data section is the language model's, with words as the default
// tokens.
#pragma once

#include <memory>

#include "registry.h"

namespace recur {

inline constexpr char kEmbeddingFamily[] = "embedding";

ConfigSection embedding_data_section();
std::unique_ptr<ModelJob> make_embedding_job();

}  // namespace recur
