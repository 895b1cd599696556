// Typed configuration: values, defaults, path resolution, --set, and the exact error messages.
#include <filesystem>
#include <fstream>

#include "experiment.h"
#include "language/language_model_data.h"
#include "lstm_lm/lstm_lm_config.h"
#include "test_util.h"

namespace recur::test {
namespace {

namespace fs = std::filesystem;

const char* kValid = R"(model:
  type: lstm_lm
  hidden_size: 64
  embedding_size: 64
data:
  train: ../data/train.txt
  tokenizer: word
training:
  max_steps: 10
optimizer:
  type: sgd
  lr: 0.5
  momentum: 0.9
)";

std::string write_config(const std::string& name, const std::string& text) {
  const fs::path dir = process_temp_dir("config") / "configs";
  fs::create_directories(dir);
  const fs::path path = dir / name;
  std::ofstream(path) << text;
  return path.string();
}

// The Error message of loading a config, or "" if it loads.
std::string load_error(const std::string& file, std::vector<std::string> overrides = {}) {
  try {
    ExperimentConfig::load({file, "", std::move(overrides)});
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Config, ReadsValuesAndKeepsDefaults) {
  const std::string file = write_config("ok.yaml", kValid);
  ExperimentConfig c = ExperimentConfig::load({file, "", {}});
  EXPECT_EQ(c.model.as<LstmLmConfig>().hidden_size, 64);
  EXPECT_EQ(c.model.as<LstmLmConfig>().layers, 2);  // default
  EXPECT_EQ(c.data.as<LanguageModelDataConfig>().tokenizer, TokenizerType::Word);
  EXPECT_EQ(c.optimizer.type, OptimizerType::Sgd);
  EXPECT_DOUBLE_EQ(c.optimizer.lr, 0.5);
  // Relative to the config file's folder.
  EXPECT_EQ(c.data.as<LanguageModelDataConfig>().train,
            (fs::path(file).parent_path().parent_path() / "data/train.txt").string());
  EXPECT_EQ(c.run_dir, fs::absolute("runs/ok").string());
}

TEST(Config, SetOverridesAndResolvesPathsAgainstTheWorkingDirectory) {
  const std::string file = write_config("ok.yaml", kValid);
  ExperimentConfig c = ExperimentConfig::load(
      {file,
       "",
       {"optimizer.lr=0.25", "data.valid=v.txt", "training.threads=3", "schedule.type=cosine"}});
  EXPECT_DOUBLE_EQ(c.optimizer.lr, 0.25);
  EXPECT_EQ(c.data.as<LanguageModelDataConfig>().valid, fs::absolute("v.txt").string());
  EXPECT_EQ(c.training.threads, 3);
  EXPECT_EQ(c.schedule.type, ScheduleType::Cosine);
  // An optional path set to nothing is cleared.
  const ExperimentConfig cleared =
      ExperimentConfig::load({file, "", {"data.valid=v.txt", "data.valid="}});
  EXPECT_EQ(cleared.data.as<LanguageModelDataConfig>().valid, "");
}

TEST(Config, ResolvedYamlReadsBackToTheSameConfig) {
  ExperimentConfig c = ExperimentConfig::load({write_config("ok.yaml", kValid), "", {}});
  const std::string yaml = c.to_yaml();
  ExperimentConfig again = ExperimentConfig::load({write_config("resolved.yaml", yaml), "", {}});
  EXPECT_EQ(again.to_yaml(), yaml);
}

TEST(Config, UnknownKeySuggestsTheClosestOne) {
  const std::string file = write_config("typo.yaml", std::string(kValid) + "optimiser:\n  lr: 1\n");
  EXPECT_EQ(load_error(file),
            "invalid config: " + file + ":14: optimiser: unknown key (did you mean 'optimizer'?)");
  const std::string inner =
      write_config("typo2.yaml", std::string(kValid) + "  learning_rate: 1\n");
  EXPECT_EQ(load_error(inner),
            "invalid config: " + inner + ":14: optimizer.learning_rate: unknown key");
  const std::string close = write_config("typo3.yaml", std::string(kValid) + "  moment: 0.5\n");
  EXPECT_EQ(load_error(close),
            "invalid config: " + close +
                ":14: optimizer.moment: unknown key (did you mean 'optimizer.momentum'?)");
}

// YAML allows a list or a map as a key ("? [a, b]"); a config key is a name (found by fuzzing).
TEST(Config, KeysMustBeNames) {
  const std::string file =
      write_config("complex-key.yaml", std::string(kValid) + "  ? [a, b]\n  : 3\n? {c: 1}\n: 4\n");
  EXPECT_EQ(load_error(file), "invalid config:\n  " + file +
                                  ":14: optimizer: a key must be a name, not a list or map\n  " +
                                  file +
                                  ":16: (top level): a key must be a name, not a list or map");
}

TEST(Config, WrongTypesAndRangesNameFileLineAndKey) {
  std::string text = kValid;
  text.replace(text.find("lr: 0.5"), 7, "lr: fast");
  const std::string type = write_config("type.yaml", text);
  EXPECT_EQ(load_error(type),
            "invalid config: " + type + ":12: optimizer.lr: expected a number, got 'fast'");

  text = kValid;
  text.replace(text.find("hidden_size: 64"), 15, "hidden_size: 0");
  const std::string range = write_config("range.yaml", text);
  EXPECT_EQ(load_error(range),
            "invalid config: " + range + ":3: model.hidden_size: must be >= 1, got 0");

  text = kValid;
  text.replace(text.find("tokenizer: word"), 15, "tokenizer: wrod");
  const std::string choice = write_config("choice.yaml", text);
  EXPECT_EQ(load_error(choice),
            "invalid config: " + choice +
                ":7: data.tokenizer: must be one of char, word, got 'wrod' (did you mean 'word'?)");
}

TEST(Config, CrossFieldChecks) {
  const std::string file = write_config("ok.yaml", kValid);
  // The error points at the key it names, wherever that was set.
  EXPECT_EQ(load_error(file, {"optimizer.type=adam"}),
            "invalid config: " + file + ":13: optimizer.momentum: applies to type sgd only");
  EXPECT_EQ(load_error(file, {"model.tie_embeddings=true", "model.hidden_size=32"}),
            "invalid config: --set model.tie_embeddings=true: model.tie_embeddings: needs "
            "model.hidden_size == model.embedding_size");
}

// The spelling only: whether the device exists is known when training starts
// (gpu::select_device; "is not available" in e2e_gpu_loss_curves and e2e_gpu_stand_in).
TEST(Config, DeviceAndSharedGpuMustBeSpelledAsDocumented) {
  const std::string file = write_config("ok.yaml", kValid);
  EXPECT_EQ(load_error(file, {"training.device=gpu0"}),
            "invalid config: --set training.device=gpu0: training.device: must be cpu, cuda or "
            "cuda:N, not 'gpu0'");
  EXPECT_EQ(load_error(file, {"distributed.shared_gpu=share"}),
            "invalid config: --set distributed.shared_gpu=share: distributed.shared_gpu: must be "
            "one of fail, stage, got 'share' (did you mean 'stage'?)");
}

TEST(Config, AResumedRunMayChangeItsDeviceButNotItsModel) {
  const std::string file = write_config("ok.yaml", kValid);
  ExperimentConfig trained = ExperimentConfig::load({file, "", {}});
  // A checkpoint written before training.device existed lacks the key.
  std::string before = trained.to_yaml();
  const std::string device_line = "  device: \"cpu\"\n";
  ASSERT_NE(before.find(device_line), std::string::npos) << before;
  before.erase(before.find(device_line), device_line.size());
  ExperimentConfig on_gpu = ExperimentConfig::load({file, "", {"training.device=cuda:1"}});
  EXPECT_NO_THROW(check_resume_compatible(before, on_gpu));
  ExperimentConfig wider = ExperimentConfig::load({file, "", {"model.hidden_size=65"}});
  try {
    check_resume_compatible(trained.to_yaml(), wider);
    FAIL() << "a wider model resumed";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).substr(0, 80),
              "cannot resume: the config sets model.hidden_size to 65, the checkpoint was train");
  }
}

TEST(Config, MissingPiecesAreErrors) {
  const std::string no_train = write_config("no-train.yaml", "training:\n  max_steps: 5\n");
  EXPECT_EQ(load_error(no_train),
            "invalid config: " + no_train + ": data.train: missing: this path is required");
  const std::string no_stop = write_config("no-stop.yaml", "data:\n  train: t.txt\n");
  EXPECT_EQ(load_error(no_stop),
            "invalid config: " + no_stop +
                ": training.max_steps: no stopping point: set training.max_steps, "
                "training.max_epochs or training.max_minutes");
  EXPECT_EQ(load_error("/nonexistent/c.yaml"),
            "cannot read config file '/nonexistent/c.yaml': no such file");
}

TEST(Config, SyntaxErrorsPointAtTheLine) {
  const std::string file = write_config("syntax.yaml", "model:\n  type: [lstm_lm\ndata: 1\n");
  EXPECT_EQ(load_error(file).substr(0, file.size() + 23), file + ":3:5: YAML syntax error");
}

TEST(Config, SetErrorsNameTheArgument) {
  const std::string file = write_config("ok.yaml", kValid);
  EXPECT_EQ(load_error(file, {"optimizer.lrr=1"}),
            "invalid config: --set optimizer.lrr=1: optimizer.lrr: unknown key (did you mean "
            "'optimizer.lr'?)");
  EXPECT_EQ(load_error(file, {"training.max_steps=many"}),
            "invalid config: --set training.max_steps=many: training.max_steps: expected an "
            "integer, got 'many'");
  EXPECT_EQ(load_error(file, {"optimizer"}),
            "invalid config: --set optimizer: expected key.path=value");
  EXPECT_EQ(load_error(file, {"optimizer.lr.x=1"}),
            "invalid config: --set optimizer.lr.x=1: 'lr' is not a section");
}

TEST(Config, SeveralProblemsAreListedTogether) {
  const std::string file = write_config("ok.yaml", kValid);
  EXPECT_EQ(load_error(file, {"model.layers=0", "training.bptt=-1"}),
            "invalid config:\n  --set model.layers=0: model.layers: must be >= 1, got 0\n"
            "  --set training.bptt=-1: training.bptt: must be >= 1, got -1");
}

TEST(Config, ReferenceDocumentIsUpToDate) {
  std::ifstream in(std::string(RECUR_SOURCE_DIR) + "/docs/config.md");
  ASSERT_TRUE(in) << "docs/config.md is missing";
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find(ExperimentConfig::reference_markdown()), std::string::npos)
      << "docs/config.md is out of date: regenerate it with `recur config --reference > "
         "docs/config.md`";
}

}  // namespace
}  // namespace recur::test
