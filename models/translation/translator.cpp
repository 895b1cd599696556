#include "translation/translator.h"

#include <algorithm>
#include <numeric>

namespace recur {

namespace {
constexpr size_t kBatchSentences = 32;
}

std::vector<std::vector<Translation>> Translator::translate(
    const std::vector<std::string>& sentences, const SearchOptions& options) const {
  std::vector<std::vector<int32_t>> sources;
  for (const std::string& s : sentences) {
    std::vector<int32_t> ids;
    for (const Token& t : data_.source_tokenizer->tokenize(s))
      ids.push_back(data_.source_vocab.id(t.text));
    sources.push_back(std::move(ids));
  }
  return translate_ids(sources, options);
}

std::vector<std::vector<Translation>> Translator::translate_ids(
    const std::vector<std::vector<int32_t>>& sources, const SearchOptions& options) const {
  // Batches of sentences of similar length; results go back to the input order.
  std::vector<size_t> order(sources.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return sources[a].size() < sources[b].size(); });
  const bool reverse = model_.reverses_source();
  std::vector<std::vector<Translation>> results(sources.size());
  for (size_t begin = 0; begin < order.size(); begin += kBatchSentences) {
    const size_t end = std::min(order.size(), begin + kBatchSentences);
    std::vector<std::vector<int32_t>> batch;
    for (size_t i = begin; i < end; ++i) {
      std::vector<int32_t> ids = sources[order[i]];
      if (ids.empty()) ids.push_back(Vocab::kUnk);
      if (reverse) std::reverse(ids.begin(), ids.end());
      batch.push_back(std::move(ids));
    }
    const std::vector<std::vector<Hypothesis>> found = beam_search(model_, batch, options);
    for (size_t i = begin; i < end; ++i) {
      std::vector<std::string> source_tokens;
      for (int32_t id : sources[order[i]])
        source_tokens.push_back(data_.source_vocab.token(id));
      for (const Hypothesis& h : found[i - begin]) {
        Translation t;
        for (int32_t id : h.tokens)
          t.tokens.push_back(data_.target_vocab.token(id));
        t.text = data_.target_tokenizer->detokenize(t.tokens);
        t.source_tokens = source_tokens;
        t.score = h.score;
        for (std::vector<float> row : h.attention) {
          if (reverse) std::reverse(row.begin(), row.end());  // back to reading order
          row.resize(source_tokens.size());
          t.attention.push_back(std::move(row));
        }
        results[order[i]].push_back(std::move(t));
      }
    }
  }
  return results;
}

}  // namespace recur
