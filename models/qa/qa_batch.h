// A padded batch of questions for a question-answering model: every fact of every story as one
// row of a word-level sequence batch, the questions as another.
#pragma once

#include <vector>

#include "core/tensor.h"
#include "qa/qa_data.h"

namespace recur {

struct QaBatch {
  int64_t stories = 0;      // B
  int64_t max_facts = 0;    // F: facts of the longest story
  Tensor fact_words;        // (L, B * F) i32, row b * F + i fact i of story b; <pad> beyond a fact
  Tensor fact_lengths;      // (B * F) i32, at least 1 (a padding fact reads one <pad>)
  Tensor facts;             // (B) i32: facts of each story
  Tensor question;          // (Q, B) i32, <pad> beyond a question
  Tensor question_lengths;  // (B) i32
  Tensor answers;           // (B) i32
  Tensor story_of_fact;     // (B, F) i32: b in row b (gathers a story's vector for each fact)
};

QaBatch make_qa_batch(const std::vector<const QaItem*>& items);

}  // namespace recur
