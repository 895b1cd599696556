// `recur compare`'s pieces: run summaries read from metrics.jsonl (including a resumed run, whose
// clock restarts), the comparison table, its errors, and the SVG line charts.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "report/line_chart.h"
#include "report/run_comparison.h"

namespace recur {
namespace {

namespace fs = std::filesystem;

class RunDirectory {
 public:
  explicit RunDirectory(const std::string& name)
      : dir_(fs::temp_directory_path() / ("recur-test-report-" + std::to_string(::getpid())) /
             name) {
    fs::create_directories(dir_);
  }
  ~RunDirectory() { fs::remove_all(dir_.parent_path()); }
  void write(const std::string& file, const std::string& text) const {
    std::ofstream(dir_ / file) << text;
  }
  const fs::path& path() const { return dir_; }

 private:
  fs::path dir_;
};

constexpr const char* kTranslationRun =
    R"({"type": "run", "model_type": "transformer", "parameters": 7500000, "ranks": 2, "threads_per_rank": 1}
{"type": "train", "step": 10, "loss": 5.0, "tokens": 1000, "tokens_per_s": 500, "elapsed_s": 2}
{"type": "valid", "step": 10, "loss": 4.0, "bleu": 3.5, "elapsed_s": 4, "train_s": 2}
{"type": "train", "step": 20, "loss": 4.0, "tokens": 3000, "tokens_per_s": 1000, "elapsed_s": 7}
{"type": "run", "model_type": "transformer", "parameters": 7500000, "ranks": 2, "threads_per_rank": 1}
{"type": "train", "step": 30, "loss": 3.5, "tokens": 1000, "tokens_per_s": 500, "elapsed_s": 2}
{"type": "valid", "step": 30, "loss": 3.0, "bleu": 9.25, "elapsed_s": 3, "train_s": 2.5}
{"type": "valid", "step": 40, "loss": 3.1, "bleu": 8.0, "elapsed_s": 6, "train_s": 4}
{"type": "end", "step": 40, "reason": "max_steps", "elapsed_s": 7, "train_s": 5}
{"type": "test", "loss": 3.2, "bleu_greedy": 8.5, "bleu_beam": 9.5}
)";

TEST(RunSummary, ReadsAResumedRun) {
  const RunDirectory run("resumed");
  run.write("metrics.jsonl", kTranslationRun);
  const RunSummary s = read_run_summary(run.path());
  EXPECT_EQ(s.name, "resumed");
  EXPECT_EQ(s.model_type, "transformer");
  EXPECT_EQ(s.parameters, 7500000);
  EXPECT_EQ(s.steps, 40);
  EXPECT_EQ(s.metric, "bleu");
  EXPECT_TRUE(s.higher_is_better);
  // The second part's times continue from where the first part's last line left them.
  EXPECT_DOUBLE_EQ(s.elapsed_s, 7.0 + 7.0);
  // The first part never reached its end line: its training time is its last line's time less
  // the time its validation took (7 - (4 - 2)).
  EXPECT_DOUBLE_EQ(s.train_s, 5.0 + 5.0);
  ASSERT_EQ(s.valid.size(), 3u);
  EXPECT_DOUBLE_EQ(s.valid[1].train_s, 5.0 + 2.5);
  // 5000 tokens in 2 + 3 + 2 seconds
  EXPECT_DOUBLE_EQ(s.tokens_per_s, 5000.0 / 7.0);
  EXPECT_EQ(s.best().step, 30);
  ASSERT_EQ(s.test.size(), 3u);
  EXPECT_EQ(s.test[2].first, "bleu_beam");
}

TEST(RunSummary, CharacterModelsAreJudgedInBitsPerCharacter) {
  const RunDirectory run("char");
  run.write("config.yaml", "model:\n  type: lstm_lm\ndata:\n  tokenizer: char\n");
  run.write(
      "metrics.jsonl",
      R"({"type": "run", "model_type": "lstm_lm", "parameters": 10, "ranks": 1, "threads_per_rank": 2}
{"type": "valid", "step": 5, "loss": 1.0, "bpc": 1.8, "train_s": 1}
{"type": "valid", "step": 10, "loss": 0.9, "bpc": 1.6, "train_s": 2}
)");
  const RunSummary s = read_run_summary(run.path());
  EXPECT_EQ(s.metric, "bpc");
  EXPECT_FALSE(s.higher_is_better);
  EXPECT_EQ(s.best().step, 10);
}

TEST(RunComparison, TableHasARowPerRunAndRefusesMixedMetrics) {
  const RunDirectory a("a"), b("b");
  a.write("metrics.jsonl", kTranslationRun);
  b.write(
      "metrics.jsonl",
      R"({"type": "run", "model_type": "lstm_lm", "parameters": 10, "ranks": 1, "threads_per_rank": 2}
{"type": "valid", "step": 5, "loss": 1.0, "ppl": 2.7, "train_s": 1}
)");
  const RunSummary first = read_run_summary(a.path());
  const std::string table = comparison_table({first, first});
  EXPECT_NE(table.find("| a | transformer | 7.50M | 2 x 1 | 714 | 40 |"), std::string::npos)
      << table;
  EXPECT_NE(table.find("9.25 (30) | 3.20 | 8.50 | 9.50 |"), std::string::npos) << table;
  try {
    comparison_table({first, read_run_summary(b.path())});
    FAIL() << "mixed metrics accepted";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "cannot compare a (validation bleu) with b (validation ppl)");
  }
}

TEST(RunComparison, MissingMetricsNameTheDirectory) {
  const RunDirectory empty("empty");
  try {
    read_run_summary(empty.path());
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              empty.path().string() + ": no metrics.jsonl (not a run directory?)");
  }
}

TEST(LineChart, TicksAreRoundAndCoverTheRange) {
  EXPECT_EQ(nice_ticks(0, 27, 6), (std::vector<double>{0, 5, 10, 15, 20, 25, 30}));
  const std::vector<double> t = nice_ticks(1.43, 1.97, 5);
  EXPECT_LE(t.front(), 1.43);
  EXPECT_GE(t.back(), 1.97);
  EXPECT_NEAR(t[1] - t[0], 0.2, 1e-12);  // 0.1 would need more than 5 steps
}

TEST(LineChart, DrawsEverySeriesWithEscapedNames) {
  LineChart chart{"BLEU", "step", "BLEU", {{"lstm <a>", {{0, 1}, {10, 5}}}, {"t&t", {{0, 2}}}}};
  const std::string svg = line_chart_svg(chart);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  size_t lines = 0;
  for (size_t at = svg.find("<polyline"); at != std::string::npos;
       at = svg.find("<polyline", at + 1))
    ++lines;
  EXPECT_EQ(lines, 2u);
  EXPECT_NE(svg.find("lstm &lt;a&gt;"), std::string::npos);
  EXPECT_NE(svg.find("t&amp;t"), std::string::npos);
  EXPECT_THROW(line_chart_svg(LineChart{"empty", "x", "y", {}}), Error);
}

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

TEST(LineChart, LogScaleTicksEveryDecadeAndLeavesOutValuesNotAboveZero) {
  LineChart chart{"flow", "distance", "norm", {{"rnn", {{1, 2e-6}, {5, 0.0}, {10, 0.3}}}}};
  chart.log_y = true;
  const std::string svg = line_chart_svg(chart);
  EXPECT_EQ(count_of(svg, "<circle"), 2u);  // 0 has no logarithm
  for (const char* decade : {">1e-06<", ">1e-05<", ">0.0001<", ">0.001<", ">0.01<", ">0.1<", ">1<"})
    EXPECT_EQ(count_of(svg, decade), 1u) << decade;
  EXPECT_NE(svg.find("rnn: 1, 2e-06"), std::string::npos);  // tooltips show the data's values
}

}  // namespace
}  // namespace recur
