#include "data/qa_stories.h"

#include <cctype>
#include <charconv>
#include <fstream>
#include <map>
#include <sstream>

#include "core/error.h"
#include "data/tokenizer.h"

namespace recur {

namespace {

std::vector<std::string> words_of(const std::string& text, bool lowercase,
                                  const std::string& where) {
  std::vector<Token> tokens;
  try {
    tokens = tokenize(TokenizerType::Word, text, lowercase);
  } catch (const Error& e) {
    throw Error(concat(where, ": ", e.what()));
  }
  RECUR_CHECK(!tokens.empty(), where, ": a sentence, question or answer without words");
  std::vector<std::string> words;
  for (Token& t : tokens)
    words.push_back(std::move(t.text));
  return words;
}

// The story read so far: its facts and the line IDs they had.
struct Story {
  std::vector<std::vector<std::string>> facts;
  std::map<int64_t, int64_t> fact_of_id;  // line ID -> index in facts
  int64_t last_id = 0;
};

// "ID rest": the ID and the rest; throws unless ID is the next of the story (or 1, a new story).
int64_t line_id(const std::string& line, Story& story, std::string& rest,
                const std::string& where) {
  size_t digits = 0;
  while (digits < line.size() && std::isdigit(static_cast<unsigned char>(line[digits])))
    ++digits;
  RECUR_CHECK(digits > 0 && digits < 10 && digits < line.size() && line[digits] == ' ', where,
              ": expected \"ID sentence\" or \"ID question<TAB>answer<TAB>supporting IDs\"");
  const int64_t id = std::stoll(line.substr(0, digits));
  if (id == 1) story = Story();
  RECUR_CHECK(id == story.last_id + 1, where, ": line ID ", id, " follows ", story.last_id,
              " (a story's lines are numbered from 1)");
  story.last_id = id;
  rest = line.substr(digits + 1);
  return id;
}

QaExample question_of(const std::string& rest, const Story& story, bool lowercase,
                      const std::string& where) {
  std::vector<std::string> fields;
  std::stringstream split(rest);
  for (std::string field; std::getline(split, field, '\t');)
    fields.push_back(field);
  RECUR_CHECK(fields.size() == 3, where, ": a question needs 3 tab-separated fields (question, ",
              "answer, supporting IDs), found ", fields.size(), " (a fact has no tab)");
  RECUR_CHECK(!story.facts.empty(), where, ": a question with no fact before it in its story");
  QaExample example{story.facts, words_of(fields[0], lowercase, where), {}, {}, 0};
  const std::vector<std::string> answer = words_of(fields[1], lowercase, where);
  RECUR_CHECK(answer.size() == 1, where, ": the answer \"", fields[1], "\" is not one word");
  example.answer = answer[0];
  std::stringstream ids(fields[2]);
  for (std::string id; ids >> id;) {
    int64_t number = 0;
    const auto [end, error] = std::from_chars(id.data(), id.data() + id.size(), number);
    RECUR_CHECK(error == std::errc() && end == id.data() + id.size(), where, ": supporting ID \"",
                id, "\" is not a number");
    const auto found = story.fact_of_id.find(number);
    RECUR_CHECK(found != story.fact_of_id.end(), where, ": supporting ID ", id,
                " names no fact before the question");
    example.support.push_back(found->second);
  }
  return example;
}

}  // namespace

std::vector<QaExample> read_qa_file(const std::string& path, bool lowercase) {
  std::ifstream in(path);
  RECUR_CHECK(in, path, ": cannot open the story file");
  std::vector<QaExample> examples;
  Story story;
  int64_t number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const std::string where = concat(path, ":", number);
    std::string rest;
    const int64_t id = line_id(line, story, rest, where);
    if (rest.find('\t') == std::string::npos) {
      story.fact_of_id[id] = static_cast<int64_t>(story.facts.size());
      story.facts.push_back(words_of(rest, lowercase, where));
      continue;
    }
    examples.push_back(question_of(rest, story, lowercase, where));
    examples.back().line = number;
  }
  RECUR_CHECK(!examples.empty(), path, ": no questions (expected bAbI's format: \"ID sentence\" ",
              "and \"ID question<TAB>answer<TAB>supporting IDs\" lines)");
  return examples;
}

}  // namespace recur
