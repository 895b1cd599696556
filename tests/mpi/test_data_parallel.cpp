// N ranks reproduce 1 rank: the language model trained 20 steps with a global batch of 24 streams
// (dropout on) through launcher/recur-mpirun on 1, 2, 3 and 4 ranks (and on 2 ranks with gradient
// accumulation over 3 micro-batches) gives the same losses and final parameters; repeated runs on
// the same world size are bit-identical; every rank computes its 1/N of the streams.
#include <set>

#include "runs.h"
#include "test_util.h"

namespace recur::test {
namespace {

namespace fs = std::filesystem;

fs::path run_on(int ranks, const std::string& name, const std::string& extra = "") {
  const fs::path dir = work_dir("data-parallel");
  EXPECT_EQ(train(ranks, lm24_config(dir), dir / name, "--overwrite " + extra), 0) << name;
  return dir / name;
}

TEST(DataParallel, NRanksReproduceOneRank) {
  const fs::path one = run_on(1, "np1");
  const std::vector<double> losses = column(one / "metrics.jsonl", "train", "loss");
  const std::vector<double> tokens = column(one / "metrics.jsonl", "train", "tokens");
  ASSERT_EQ(losses.size(), 20u);
  const Tensor params = final_parameters(one);
  for (int ranks : {2, 3, 4, -2}) {
    // -2: two ranks, each running its streams as 3 micro-batches.
    const bool accumulate = ranks < 0;
    ranks = std::abs(ranks);
    SCOPED_TRACE(concat(ranks, " ranks", accumulate ? ", 3 micro-batches" : ""));
    const fs::path run = accumulate ? run_on(ranks, "np2-accumulate", "--set training.accumulate=3")
                                    : run_on(ranks, concat("np", ranks));
    const std::vector<double> l = column(run / "metrics.jsonl", "train", "loss");
    ASSERT_EQ(l.size(), losses.size());
    for (size_t s = 0; s < l.size(); ++s) {
      EXPECT_NEAR(l[s], losses[s], 1e-5 * losses[s]) << "step " << s + 1;
    }
    EXPECT_EQ(column(run / "metrics.jsonl", "train", "tokens"), tokens);
    EXPECT_LT(norm_relative_difference(final_parameters(run), params), 1e-5);

    // Each rank: 24 / N streams, disjoint, together all 24; the ranks' tokens add up.
    std::set<int64_t> streams;
    std::vector<double> token_sum(tokens.size(), 0.0);
    for (int r = 0; r < ranks; ++r) {
      const fs::path file = run / concat("metrics.rank", r, ".jsonl");
      const std::vector<double> first = column(file, "rank", "first_example");
      const std::vector<double> count = column(file, "rank", "examples");
      const std::vector<double> rank_tokens = column(file, "rank", "tokens");
      ASSERT_EQ(count.size(), tokens.size());
      EXPECT_EQ(count[0], 24.0 / ranks);
      for (int64_t k = 0; k < static_cast<int64_t>(count[0]); ++k) {
        EXPECT_TRUE(streams.insert(static_cast<int64_t>(first[0]) + k).second) << "stream shared";
      }
      for (size_t s = 0; s < token_sum.size(); ++s)
        token_sum[s] += rank_tokens[s];
    }
    EXPECT_EQ(streams.size(), 24u);
    EXPECT_EQ(token_sum, tokens);
  }
}

// Skip-gram: every draw is keyed by text position, so 2 and 3 ranks (and 2 ranks in 3
// micro-batches) train what 1 rank trains, validation included.
TEST(DataParallel, SkipGramOnNRanksReproducesOneRank) {
  const fs::path dir = work_dir("data-parallel-skipgram");
  const std::string config = skipgram_config(dir);
  ASSERT_EQ(train(1, config, dir / "np1", "--overwrite"), 0);
  const std::vector<double> losses = column(dir / "np1" / "metrics.jsonl", "train", "loss");
  const std::vector<double> valid = column(dir / "np1" / "metrics.jsonl", "valid", "loss");
  ASSERT_EQ(losses.size(), 20u);
  ASSERT_EQ(valid.size(), 2u);
  EXPECT_LT(losses.back(), losses.front());
  for (const char* name : {"np2", "np3", "np2-accumulate"}) {
    SCOPED_TRACE(name);
    const int ranks = name[2] - '0';
    const std::string extra =
        concat("--overwrite",
               std::string(name).ends_with("accumulate") ? " --set training.accumulate=3" : "");
    ASSERT_EQ(train(ranks, config, dir / name, extra), 0);
    const std::vector<double> l = column(dir / name / "metrics.jsonl", "train", "loss");
    ASSERT_EQ(l.size(), losses.size());
    for (size_t s = 0; s < l.size(); ++s)
      EXPECT_NEAR(l[s], losses[s], 1e-5 * losses[s]) << "step " << s + 1;
    const std::vector<double> v = column(dir / name / "metrics.jsonl", "valid", "loss");
    ASSERT_EQ(v.size(), valid.size());
    for (size_t s = 0; s < v.size(); ++s)
      EXPECT_NEAR(v[s], valid[s], 1e-5 * valid[s]);
    EXPECT_EQ(column(dir / name / "metrics.jsonl", "train", "tokens"),
              column(dir / "np1" / "metrics.jsonl", "train", "tokens"));
    EXPECT_LT(norm_relative_difference(final_parameters(dir / name), final_parameters(dir / "np1")),
              1e-5);
  }
}

TEST(DataParallel, RepeatedRunsOnTheSameWorldSizeAreBitIdentical) {
  const fs::path a = run_on(2, "np2-a"), b = run_on(2, "np2-b");
  EXPECT_EQ(column(a / "metrics.jsonl", "train", "loss"),
            column(b / "metrics.jsonl", "train", "loss"));
  EXPECT_EQ(final_parameters(a).to_vector<float>(), final_parameters(b).to_vector<float>());
}

}  // namespace
}  // namespace recur::test
