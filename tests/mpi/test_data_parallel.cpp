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

void expect_near_each(const std::vector<double>& got, const std::vector<double>& want,
                      const char* what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t s = 0; s < got.size(); ++s)
    EXPECT_NEAR(got[s], want[s], 1e-5 * std::abs(want[s])) << what << " " << s + 1;
}

// `config` (20 steps, validation twice) on 1 rank, then on 2 and 3 ranks and on 2 ranks in
// `micro_batches` micro-batches: the same training and validation losses, the same validation
// accuracy where there is one, the same targets and the same final parameters.
void expect_ranks_reproduce_one(const fs::path& dir, const std::string& config, int micro_batches) {
  ASSERT_EQ(train(1, config, dir / "np1", "--overwrite"), 0);
  const fs::path metrics = dir / "np1" / "metrics.jsonl";
  ASSERT_EQ(column(metrics, "train", "loss").size(), 20u);
  ASSERT_EQ(column(metrics, "valid", "loss").size(), 2u);
  EXPECT_LT(column(metrics, "train", "loss").back(), column(metrics, "train", "loss").front());
  for (const char* name : {"np2", "np3", "np2-accumulate"}) {
    SCOPED_TRACE(name);
    const bool accumulate = std::string(name).ends_with("accumulate");
    ASSERT_EQ(
        train(name[2] - '0', config, dir / name,
              concat("--overwrite --set training.accumulate=", accumulate ? micro_batches : 1)),
        0);
    const fs::path other = dir / name / "metrics.jsonl";
    expect_near_each(column(other, "train", "loss"), column(metrics, "train", "loss"), "step");
    expect_near_each(column(other, "valid", "loss"), column(metrics, "valid", "loss"), "valid");
    EXPECT_EQ(column(other, "valid", "accuracy"), column(metrics, "valid", "accuracy"));
    EXPECT_EQ(column(other, "train", "tokens"), column(metrics, "train", "tokens"));
    EXPECT_LT(norm_relative_difference(final_parameters(dir / name), final_parameters(dir / "np1")),
              1e-5);
  }
}

// Skip-gram: every draw is keyed by text position, so 2 and 3 ranks (and 2 ranks in 3
// micro-batches) train what 1 rank trains, validation included.
TEST(DataParallel, SkipGramOnNRanksReproducesOneRank) {
  const fs::path dir = work_dir("data-parallel-skipgram");
  expect_ranks_reproduce_one(dir, skipgram_config(dir), 3);
}

// The DMN: the epoch's order keyed by (seed, epoch), dropout by the global question index, so 2
// and 3 ranks (and 2 ranks in 2 micro-batches) train what 1 rank trains, with the same validation
// accuracy.
TEST(DataParallel, DmnOnNRanksReproducesOneRank) {
  const fs::path dir = work_dir("data-parallel-dmn");
  expect_ranks_reproduce_one(dir, dmn_config(dir), 2);
}

TEST(DataParallel, RepeatedRunsOnTheSameWorldSizeAreBitIdentical) {
  const fs::path a = run_on(2, "np2-a"), b = run_on(2, "np2-b");
  EXPECT_EQ(column(a / "metrics.jsonl", "train", "loss"),
            column(b / "metrics.jsonl", "train", "loss"));
  EXPECT_EQ(final_parameters(a).to_vector<float>(), final_parameters(b).to_vector<float>());
}

}  // namespace
}  // namespace recur::test
