// Story files in bAbI's format: every question an example over the facts before it, and one
// error naming the file and line for each kind of bad line.
#include <fstream>

#include "data/qa_stories.h"
#include "test_util.h"

namespace recur::test {
namespace {

std::string write_stories(const std::string& name, const std::string& text) {
  const std::string path = (process_temp_dir("qa-stories") / name).string();
  std::ofstream(path) << text;
  return path;
}

TEST(QaStories, EveryQuestionSeesTheFactsBeforeItInItsStory) {
  const std::string path = write_stories("two.txt",
                                         "1 Mary moved to the bathroom.\n"
                                         "2 John went to the hallway.\n"
                                         "3 Where is Mary? \tbathroom\t1\n"
                                         "4 Mary went back to the garden.\n"
                                         "5 Where is Mary?\tgarden\t4\n"
                                         "1 Sandra took the milk.\r\n"
                                         "2 Is Sandra in the office?\tno\t1\n");
  const std::vector<QaExample> examples = read_qa_file(path, true);
  ASSERT_EQ(examples.size(), 3u);
  EXPECT_EQ(examples[0].facts.size(), 2u);
  EXPECT_EQ(examples[0].facts[0],
            (std::vector<std::string>{"mary", "moved", "to", "the", "bathroom", "."}));
  EXPECT_EQ(examples[0].question, (std::vector<std::string>{"where", "is", "mary", "?"}));
  EXPECT_EQ(examples[0].answer, "bathroom");
  EXPECT_EQ(examples[0].support, std::vector<int64_t>{0});
  EXPECT_EQ(examples[0].line, 3);
  EXPECT_EQ(examples[1].facts.size(), 3u);  // the question is not a fact
  EXPECT_EQ(examples[1].support, std::vector<int64_t>{2});
  EXPECT_EQ(examples[2].facts.size(), 1u);  // a new story
  EXPECT_EQ(examples[2].answer, "no");
  EXPECT_EQ(read_qa_file(path, false)[0].question[2], "Mary");
}

void expect_error(const std::string& text, const std::string& message) {
  const std::string path = write_stories("bad.txt", text);
  try {
    read_qa_file(path, true);
    FAIL() << "no error for: " << text;
  } catch (const Error& e) {
    EXPECT_EQ(e.what(), path + message);
  }
}

TEST(QaStories, BadLinesAreRefusedWithFileAndLine) {
  expect_error("1 Mary moved.\nWhere is Mary?\tx\t1\n",
               ":2: expected \"ID sentence\" or \"ID question<TAB>answer<TAB>supporting IDs\"");
  expect_error("1 Mary moved.\n3 John moved.\n",
               ":2: line ID 3 follows 1 (a story's lines are numbered from 1)");
  expect_error("1 Where is Mary?\tkitchen\t1\n",
               ":1: a question with no fact before it in its story");
  expect_error("1 Mary moved.\n2 Where is Mary?\tkitchen\n",
               ":2: a question needs 3 tab-separated fields (question, answer, supporting IDs), "
               "found 2 (a fact has no tab)");
  expect_error("1 Mary moved.\n2 Where is Mary?\tkitchen\t1x\n",
               ":2: supporting ID \"1x\" is not a number");
  expect_error("1 \n", ":1: a sentence, question or answer without words");
  expect_error("1 Mary moved.\n2 Where is Mary?\tthe kitchen\t1\n",
               ":2: the answer \"the kitchen\" is not one word");
  expect_error("1 Mary moved.\n2 Where is Mary?\tkitchen\t2\n",
               ":2: supporting ID 2 names no fact before the question");
  expect_error("1 Mary moved.\n",
               ": no questions (expected bAbI's format: \"ID sentence\" and \"ID "
               "question<TAB>answer<TAB>supporting IDs\" lines)");
  expect_error("1 Mary \xff moved.\n2 Where?\tx\t1\n",
               ":1: invalid UTF-8 at byte 5 of line 'Mary \xff moved.'");
}

}  // namespace
}  // namespace recur::test
