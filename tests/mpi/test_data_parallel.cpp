// N ranks reproduce 1 rank: the language model trained 20 steps with a global batch of 24 streams
// (dropout on) through launcher/recur-mpirun on 1, 2, 3 and 4 ranks (and on 2 ranks with gradient
// accumulation over 3 micro-batches) gives the same losses and
// final parameters; repeated runs on the same world size are bit-identical; every rank computes
// its 1/N of the streams.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "checkpoint/h5.h"
#include "test_util.h"

namespace recur::test {
namespace {

namespace fs = std::filesystem;

const fs::path kWork = fs::temp_directory_path() / "recur-test-data-parallel";

std::string config_file() {
  fs::create_directories(kWork);
  const fs::path path = kWork / "lm24.yaml";
  std::ofstream(path) << "model:\n  type: lstm_lm\n  embedding_size: 24\n  hidden_size: 32\n"
                         "  layers: 2\n  dropout: 0.2\n  output_dropout: 0.1\n"
                      << "data:\n  train: " << RECUR_SOURCE_DIR << "/datasets/bible/sample/kjv.valid.txt\n"
                      << "training:\n  batch_size: 24\n  bptt: 25\n  max_steps: 20\n  clip_norm: 1.0\n"
                         "optimizer:\n  type: adam\n  lr: 0.01\nlogging:\n  every_steps: 1\n";
  return path.string();
}

// Trains on `ranks` ranks into kWork/<name>; returns the run directory.
fs::path train(int ranks, const std::string& name, const std::string& extra = "") {
  const fs::path dir = kWork / name;
  const std::string command = concat(RECUR_MPIRUN, " -n ", ranks, " --oversubscribe -- ", RECUR_BINARY,
                                     " train --overwrite --config ", config_file(), " --set run_dir=", dir.string(),
                                     " ", extra, " > ", (kWork / (name + ".out")).string(), " 2>&1");
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  return dir;
}

// The value after "key": in each line of a JSON-lines file whose "type" is `type`.
std::vector<double> column(const fs::path& file, const std::string& type, const std::string& key) {
  std::ifstream in(file);
  std::vector<double> values;
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("\"type\": \"" + type + "\"") == std::string::npos) continue;
    const size_t at = line.find("\"" + key + "\": ");
    values.push_back(std::strtod(line.c_str() + at + key.size() + 4, nullptr));
  }
  return values;
}

Tensor parameters(const fs::path& run) {
  H5File file = H5File::open((run / "model.h5").string());
  std::vector<float> all;
  for (const std::string& name : file.datasets("/params")) {
    std::vector<float> p = file.read_tensor("/params/" + name).to_vector<float>();
    all.insert(all.end(), p.begin(), p.end());
  }
  return Tensor::from_vector(all, {static_cast<int64_t>(all.size())});
}

double norm_relative_difference(const Tensor& a, const Tensor& b) {
  double diff = 0, norm = 0;
  for (int64_t i = 0; i < a.numel(); ++i) {
    diff += (a.item(i) - b.item(i)) * (a.item(i) - b.item(i));
    norm += b.item(i) * b.item(i);
  }
  return std::sqrt(diff / norm);
}

TEST(DataParallel, NRanksReproduceOneRank) {
  const fs::path one = train(1, "np1");
  const std::vector<double> losses = column(one / "metrics.jsonl", "train", "loss");
  const std::vector<double> tokens = column(one / "metrics.jsonl", "train", "tokens");
  ASSERT_EQ(losses.size(), 20u);
  const Tensor params = parameters(one);
  for (int ranks : {2, 3, 4, -2}) {
    // -2: two ranks, each running its streams as 3 micro-batches.
    const bool accumulate = ranks < 0;
    ranks = std::abs(ranks);
    SCOPED_TRACE(concat(ranks, " ranks", accumulate ? ", 3 micro-batches" : ""));
    const fs::path run = accumulate ? train(ranks, "np2-accumulate", "--set training.accumulate=3")
                                    : train(ranks, concat("np", ranks));
    const std::vector<double> l = column(run / "metrics.jsonl", "train", "loss");
    ASSERT_EQ(l.size(), losses.size());
    for (size_t s = 0; s < l.size(); ++s) {
      EXPECT_NEAR(l[s], losses[s], 1e-5 * losses[s]) << "step " << s + 1;
    }
    EXPECT_EQ(column(run / "metrics.jsonl", "train", "tokens"), tokens);
    EXPECT_LT(norm_relative_difference(parameters(run), params), 1e-5);

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
      for (size_t s = 0; s < token_sum.size(); ++s) token_sum[s] += rank_tokens[s];
    }
    EXPECT_EQ(streams.size(), 24u);
    EXPECT_EQ(token_sum, tokens);
  }
}

TEST(DataParallel, RepeatedRunsOnTheSameWorldSizeAreBitIdentical) {
  const fs::path a = train(2, "np2-a"), b = train(2, "np2-b");
  EXPECT_EQ(column(a / "metrics.jsonl", "train", "loss"), column(b / "metrics.jsonl", "train", "loss"));
  EXPECT_EQ(parameters(a).to_vector<float>(), parameters(b).to_vector<float>());
}

}  // namespace
}  // namespace recur::test
