#include "qa/qa_batch.h"

#include <algorithm>

#include "data/vocab.h"

namespace recur {

namespace {

// (longest, rows) i32 time-major: sequence r in column r, <pad> after its end.
Tensor time_major(const std::vector<const std::vector<int32_t>*>& sequences, int64_t longest) {
  const auto rows = std::ssize(sequences);
  Tensor ids = Tensor::full({longest, rows}, DType::I32, Vocab::kPad);
  int32_t* out = ids.data<int32_t>();
  for (int64_t r = 0; r < rows; ++r) {
    const std::vector<int32_t>* s = sequences[static_cast<size_t>(r)];
    if (s == nullptr) continue;
    for (size_t t = 0; t < s->size(); ++t)
      out[static_cast<int64_t>(t) * rows + r] = (*s)[t];
  }
  return ids;
}

int64_t longest(const std::vector<const std::vector<int32_t>*>& sequences) {
  size_t most = 1;
  for (const auto* s : sequences)
    most = std::max(most, s == nullptr ? 1 : s->size());
  return static_cast<int64_t>(most);
}

std::vector<int32_t> lengths_of(const std::vector<const std::vector<int32_t>*>& sequences) {
  std::vector<int32_t> lengths;
  for (const auto* s : sequences)
    lengths.push_back(s == nullptr || s->empty() ? 1 : static_cast<int32_t>(s->size()));
  return lengths;
}

}  // namespace

QaBatch make_qa_batch(const std::vector<const QaItem*>& items) {
  QaBatch b;
  b.stories = std::ssize(items);
  for (const QaItem* item : items)
    b.max_facts = std::max(b.max_facts, std::ssize(item->facts));
  std::vector<const std::vector<int32_t>*> facts, questions;
  std::vector<int32_t> fact_counts, answers, story_of_fact;
  for (int64_t s = 0; s < b.stories; ++s) {
    const QaItem& item = *items[static_cast<size_t>(s)];
    for (int64_t i = 0; i < b.max_facts; ++i) {
      facts.push_back(i < std::ssize(item.facts) ? &item.facts[static_cast<size_t>(i)] : nullptr);
      story_of_fact.push_back(static_cast<int32_t>(s));
    }
    questions.push_back(&item.question);
    fact_counts.push_back(static_cast<int32_t>(item.facts.size()));
    answers.push_back(item.answer);
  }
  b.fact_words = time_major(facts, longest(facts));
  b.fact_lengths = Tensor::from_vector(lengths_of(facts), {b.stories * b.max_facts});
  b.facts = Tensor::from_vector(fact_counts, {b.stories});
  b.question = time_major(questions, longest(questions));
  b.question_lengths = Tensor::from_vector(lengths_of(questions), {b.stories});
  b.answers = Tensor::from_vector(answers, {b.stories});
  b.story_of_fact = Tensor::from_vector(story_of_fact, {b.stories, b.max_facts});
  return b;
}

}  // namespace recur
