#include "word_table.h"

#include <algorithm>
#include <cmath>

#include "model_io.h"
#include "registry.h"
#include "translation/translation_family.h"
#include "translation/translation_model_file.h"

namespace recur {

namespace {

// The table `name` of a model's parameters, which must have it.
Tensor table_named(const std::map<std::string, Tensor>& params, const std::string& name,
                   const std::string& path) {
  const auto found = params.find(name);
  RECUR_CHECK(found != params.end(), path, " has no ", name);
  return found->second.to(DType::F32);
}

WordTable translation_table(const ModelSource& source, const std::string& path,
                            const std::string& side) {
  const std::unique_ptr<LoadedTranslationModel> t = load_translation_model(path);
  const bool source_side = side == "source";
  // A transformer that shares its embeddings has the source table alone.
  const std::string name = source_side || !source.params.contains("target_embedding/weight")
                               ? "source_embedding/weight"
                               : "target_embedding/weight";
  return {source_side ? t->vocabularies.source_vocab : t->vocabularies.target_vocab,
          table_named(source.params, name, path)};
}

// Each row divided by its length (a zero row stays zero).
std::vector<float> unit_rows(const Tensor& vectors) {
  const int64_t rows = vectors.dim(0), dim = vectors.dim(1);
  std::vector<float> unit = vectors.to_vector<float>();
  for (int64_t r = 0; r < rows; ++r) {
    float* row = unit.data() + r * dim;
    double norm = 0.0;
    for (int64_t j = 0; j < dim; ++j)
      norm += static_cast<double>(row[j]) * row[j];
    const double scale = norm > 0 ? 1.0 / std::sqrt(norm) : 0.0;
    for (int64_t j = 0; j < dim; ++j)
      row[j] = static_cast<float>(row[j] * scale);
  }
  return unit;
}

}  // namespace

WordTable read_word_table(const std::string& path, const std::string& side) {
  const ModelSource source = read_model_source(path);
  if (in_family(source.identity.model_type, kTranslationFamily)) {
    return translation_table(source, path, side);
  }
  return {vocab_of(source.identity), table_named(source.params, "embedding/weight", path)};
}

std::vector<Neighbour> nearest_words(const WordTable& table, int32_t word, int64_t count) {
  const int64_t rows = table.vectors.dim(0), dim = table.vectors.dim(1);
  RECUR_CHECK(word > Vocab::kEos && word < rows, "nearest_words: id ", word, " is not a word");
  const std::vector<float> unit = unit_rows(table.vectors);
  std::vector<std::pair<double, int32_t>> scored;
  for (int32_t r = Vocab::kEos + 1; r < rows; ++r) {
    if (r == word) continue;
    double cosine = 0.0;
    for (int64_t j = 0; j < dim; ++j)
      cosine += static_cast<double>(unit[r * dim + j]) * unit[word * dim + j];
    scored.emplace_back(-cosine, r);
  }
  const auto keep = std::min<size_t>(scored.size(), static_cast<size_t>(count));
  std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(keep),
                    scored.end());
  std::vector<Neighbour> nearest;
  for (size_t k = 0; k < keep; ++k)
    nearest.push_back({table.vocab.token(scored[k].second), -scored[k].first});
  return nearest;
}

}  // namespace recur
