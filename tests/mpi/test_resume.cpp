// Resuming from checkpoints with real mpirun: exact (bit-identical) continuation on the same
// number of ranks, elastic continuation on another number of ranks, and refused config changes.
#include <fstream>
#include <map>

#include "checkpoint/h5.h"

#include "runs.h"
#include "test_util.h"

namespace recur::test {
namespace {

namespace fs = std::filesystem;

const std::string kCheckpointAt20 = "--set checkpoint.every_steps=20";

// Losses of steps first..last from a run's metrics.
std::vector<double> losses(const fs::path& run, int first, int last) {
  const std::vector<double> steps = column(run / "metrics.jsonl", "train", "step");
  const std::vector<double> loss = column(run / "metrics.jsonl", "train", "loss");
  std::vector<double> out;
  for (size_t i = 0; i < steps.size(); ++i) {
    if (steps[i] >= first && steps[i] <= last) out.push_back(loss[i]);
  }
  return out;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Trains `config` (with `extra`) on 2 ranks for 40 steps straight, and for 20 steps then resumed
// to 40 from its checkpoint at step 20; the resumed run must repeat the straight one's losses of
// steps 21..40 and its final parameters bit for bit.
void expect_bit_identical_resume(const fs::path& dir, const std::string& config,
                                 const std::string& extra = "") {
  ASSERT_EQ(
      train(2, config, dir / "straight", extra + "--set training.max_steps=40 " + kCheckpointAt20),
      0);
  ASSERT_EQ(train(2, config, dir / "stopped", extra + kCheckpointAt20), 0);
  ASSERT_EQ(train(2, config, dir / "stopped",
                  extra + "--set training.max_steps=40 --resume auto " + kCheckpointAt20),
            0);
  const std::vector<double> straight = losses(dir / "straight", 21, 40);
  ASSERT_EQ(straight.size(), 20u);
  EXPECT_EQ(losses(dir / "stopped", 21, 40), straight);
  EXPECT_EQ(final_parameters(dir / "stopped").to_vector<float>(),
            final_parameters(dir / "straight").to_vector<float>());
}

TEST(Resume, ContinuesBitIdenticallyOnTheSameRanks) {
  const fs::path dir = work_dir("resume");
  expect_bit_identical_resume(dir, lm24_config(dir));
  // The resumed process computed steps 21..40 once each: nothing replayed.
  std::map<double, int> computed;
  for (double step : column(dir / "stopped" / "metrics.jsonl", "train", "step"))
    computed[step] += 1;
  EXPECT_EQ(computed.size(), 40u);
  for (const auto& [step, times] : computed)
    EXPECT_EQ(times, 1) << "step " << step;
  EXPECT_NE(read_text(dir / "stopped" / "train.rank0.log").find("continuing at step 21"),
            std::string::npos);
}

// model.learned_init: the learned initial states train (they leave zero, where they start) and are
// resumed with everything else, bit-identically.
TEST(Resume, LearnedInitialStatesContinueBitIdentically) {
  const fs::path dir = work_dir("resume-learned-init");
  expect_bit_identical_resume(dir, lm24_config(dir),
                              "--set model.learned_init=true --set model.cell=gru ");
  for (const char* layer : {"layer0", "layer1"}) {
    const Tensor h0 = H5File::open((dir / "straight" / "model.h5").string())
                          .read_tensor(concat("/params/rnn/", layer, "/fwd/h0"));
    double largest = 0;
    for (float v : h0.to_vector<float>())
      largest = std::max(largest, static_cast<double>(std::abs(v)));
    EXPECT_GT(largest, 1e-4) << layer << "'s learned initial state did not train";
  }
}

// The embedding table of a run's final model.
std::vector<float> embeddings_of(const fs::path& run) {
  return H5File::open((run / "model.h5").string())
      .read_tensor("/params/embedding/weight")
      .to_vector<float>();
}

// Embeddings that start from word vectors and stay frozen: a resumed run continues
// bit-identically (the checkpoint holds them; they are not read again), and the table after 40
// steps is the one after 1.
TEST(Resume, FrozenPretrainedEmbeddingsContinueBitIdentically) {
  const fs::path dir = work_dir("resume-frozen-embeddings");
  const std::string config = lm24_config(dir);
  std::ofstream vectors(dir / "letters.txt");  // GloVe text: no header
  for (const char* letter : {"e", "t", "a"}) {
    vectors << letter;
    for (int j = 0; j < 24; ++j)
      vectors << " " << 0.01 * j - 0.1;
    vectors << "\n";
  }
  vectors.close();
  const std::string frozen =
      concat("--set model.pretrained_embeddings=", (dir / "letters.txt").string(),
             " --set model.freeze_embeddings=true ");
  expect_bit_identical_resume(dir, config, frozen);
  ASSERT_EQ(train(2, config, dir / "one-step", frozen + "--set training.max_steps=1"), 0);
  EXPECT_EQ(embeddings_of(dir / "straight"), embeddings_of(dir / "one-step"));
  EXPECT_NE(final_parameters(dir / "straight").to_vector<float>(),
            final_parameters(dir / "one-step").to_vector<float>());
  EXPECT_NE(read_text(dir / "straight" / "train.rank0.log").find("embedding/weight: 3 of "),
            std::string::npos);
}

// Skip-gram keeps no data position: the step gives it, and a resumed run draws what the straight
// one drew.
TEST(Resume, SkipGramContinuesBitIdentically) {
  const fs::path dir = work_dir("resume-skipgram");
  expect_bit_identical_resume(dir, skipgram_config(dir));
}

// The DMN's data order follows from the step: a resumed run continues exactly.
TEST(Resume, DmnContinuesBitIdentically) {
  const fs::path dir = work_dir("resume-dmn");
  expect_bit_identical_resume(dir, dmn_config(dir));
}

TEST(Resume, ElasticAcrossWorldSizes) {
  const fs::path dir = work_dir("resume-elastic");
  const std::string config = lm24_config(dir);
  ASSERT_EQ(train(4, config, dir / "straight", "--set training.max_steps=40"), 0);
  ASSERT_EQ(train(4, config, dir / "written-by-4", kCheckpointAt20), 0);
  const std::vector<double> straight = losses(dir / "straight", 21, 40);
  for (int ranks : {2, 3}) {
    SCOPED_TRACE(concat("resumed on ", ranks, " ranks"));
    const fs::path run = dir / concat("on", ranks);
    fs::copy(dir / "written-by-4", run, fs::copy_options::recursive);
    ASSERT_EQ(train(ranks, config, run, "--set training.max_steps=40 --resume auto"), 0);
    const std::vector<double> resumed = losses(run, 21, 40);
    ASSERT_EQ(resumed.size(), straight.size());
    for (size_t s = 0; s < resumed.size(); ++s)
      EXPECT_NEAR(resumed[s], straight[s], 1e-5 * straight[s]) << s + 21;
    EXPECT_LT(norm_relative_difference(final_parameters(run), final_parameters(dir / "straight")),
              1e-5);
  }
}

TEST(Resume, RefusesAConfigThatChangesTheModel) {
  const fs::path dir = work_dir("resume-refused");
  const std::string config = lm24_config(dir);
  ASSERT_EQ(train(1, config, dir / "run", kCheckpointAt20), 0);
  EXPECT_EQ(train(1, config, dir / "run", "--resume auto --set model.hidden_size=40"), 1);
  EXPECT_NE(read_text(dir / "run.out")
                .find("recur: error: cannot resume: the config sets model.hidden_size to 40, "
                      "the checkpoint was trained with 32"),
            std::string::npos);
}

}  // namespace
}  // namespace recur::test
