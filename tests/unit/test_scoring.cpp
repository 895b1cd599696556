// BLEU and chrF against cases computed by hand from their definitions.
#include <cmath>

#include "data/scoring.h"
#include "test_util.h"

namespace recur::test {
namespace {

TEST(Tokenize13a, PunctuationPeriodsCommasAndDashes) {
  EXPECT_EQ(tokenize_13a("Hello, world! It costs 3.50-4.00 dollars (\"cheap\")."),
            (std::vector<std::string>{"Hello", ",", "world", "!", "It", "costs", "3.50", "-",
                                      "4.00", "dollars", "(", "\"", "cheap", "\"", ")", "."}));
  EXPECT_EQ(tokenize_13a("a.b 1,000 x-y don't"),
            (std::vector<std::string>{"a", ".", "b", "1,000", "x-y", "don't"}));
}

TEST(Bleu, IdenticalIsOneHundred) {
  EXPECT_DOUBLE_EQ(corpus_bleu({"in the beginning God created"}, {"in the beginning God created"}),
                   100.0);
}

TEST(Bleu, HandComputedExampleWithSmoothing) {
  // 1-grams 5/6, 2-grams 3/5, 3-grams 1/4, 4-grams 0/3 -> 1/(2*3) by exponential smoothing;
  // equal lengths, no brevity penalty.
  const double expected = 100.0 * std::pow((5.0 / 6) * (3.0 / 5) * (1.0 / 4) * (1.0 / 6), 0.25);
  EXPECT_NEAR(corpus_bleu({"the cat sat on the mat"}, {"the cat is on the mat"}), expected, 1e-9);
  EXPECT_NEAR(expected, 37.992, 1e-3);
}

TEST(Bleu, BrevityPenaltyAndCorpusStatistics) {
  // Corpus level: statistics add before the score. Hypotheses 4 + 4 tokens, references 4 + 6.
  const std::vector<std::string> hyps = {"a b c d", "e f g h"}, refs = {"a b c d", "e f g h i j"};
  // All n-grams of the hypotheses match: precisions 1; brevity exp(1 - 10 / 8).
  EXPECT_NEAR(corpus_bleu(hyps, refs), 100.0 * std::exp(1.0 - 10.0 / 8.0), 1e-9);
  EXPECT_EQ(corpus_bleu({"a b"}, {"a b c d e"}), 0.0);  // no 3-grams at all
}

TEST(Chrf, HandComputedExample) {
  // "ab" vs "abc": 1-grams 2 matches (2 hyp, 3 ref), 2-grams 1 (1, 2); higher orders empty.
  const double p = (2.0 / 2 + 1.0 / 1) / 2, r = (2.0 / 3 + 1.0 / 2) / 2;
  EXPECT_NEAR(corpus_chrf({"ab"}, {"abc"}), 100.0 * 5 * p * r / (4 * p + r), 1e-9);
  EXPECT_DOUBLE_EQ(corpus_chrf({"a b c"}, {"abc"}), 100.0);  // whitespace does not count
  EXPECT_EQ(corpus_chrf({"xyz"}, {"abc"}), 0.0);
}

}  // namespace
}  // namespace recur::test
