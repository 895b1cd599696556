// Question-answering stories in bAbI's format (Weston et al. 2015; datasets/babi/generate.py
// writes them): numbered lines from 1 per story; a fact is "ID sentence", a question is
// "ID question<TAB>answer<TAB>supporting fact IDs". Every question is one example: the story's
// facts before it, the question and its one-word answer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace recur {

struct QaExample {
  std::vector<std::vector<std::string>> facts;  // the story's facts before the question, as words
  std::vector<std::string> question;
  std::string answer;
  std::vector<int64_t> support;  // the supporting facts: indices into `facts`
  int64_t line = 0;              // the question's line in its file (from 1)
};

// Reads every question of a story file, its words as the word tokenizer splits them (lowercased
// with `lowercase`). Throws Error naming the file and line for a line that does not parse, a line
// number out of sequence, a question before any fact, an answer that is not one word, or a
// supporting ID that names no fact of the story; and naming the file when it has no question.
std::vector<QaExample> read_qa_file(const std::string& path, bool lowercase);

}  // namespace recur
