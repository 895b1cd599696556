// Checkpoints through the API: round trip, re-sharding across writer counts, asynchronous
// snapshots, damage detection, retention.
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "checkpoint/checkpoint.h"
#include "nn/layers.h"
#include "test_util.h"

namespace recur::test {
namespace {

namespace fs = std::filesystem;

struct Model {
  ParameterStore store;
  Tensor moment;  // an optimiser buffer with the store's layout
  Model() {
    Linear a(store, "a", 7, 5);
    Linear b(store, "b", 5, 3, false);
    store.materialize(DType::F32, 3);
    // Zero in the alignment gaps between parameters, as every buffer of that layout is.
    moment = store.values().clone();
    float* p = moment.data<float>();
    for (int64_t i = 0; i < moment.numel(); ++i)
      p[i] = 2.0f * p[i] + (p[i] != 0.0f ? 1.0f : 0.0f);
  }
  std::vector<FlatBuffer> buffers() { return {{"params", store.values()}, {"optim/m", moment}}; }
};

TrainingState sample_state(int64_t step) {
  TrainingState s;
  s.step = step;
  s.scalars = {{"data/position", 1234}, {"schedule/plateau_scale", 0.1}};
  s.tensors = {{"tbptt/h/layer0", random_tensor({4, 3}, 61, 1.0, 0.0, DType::F32)}};
  s.identity.config_yaml = "model: {}\n";
  s.identity.recur_version = "test";
  s.identity.vocab = {"<pad>", "<unk>", "<bos>", "<eos>", "ä"};
  return s;
}

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = process_temp_dir("checkpoint") / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Writes one checkpoint as `world` ranks would (ranks 1.. first, then rank 0 commits).
void write_as(int world, const fs::path& dir, Model& m, int64_t step) {
  for (int rank = world - 1; rank >= 0; --rank) {
    CheckpointWriter w({dir.string(), rank, world, "t", 10.0});
    w.write(
        m.store,
        {.buffers = m.buffers(), .state = sample_state(step), .validation = {{"valid_loss", 1.5}}});
  }
}

TEST(Checkpoint, RoundTripAcrossWriterCounts) {
  for (int world : {1, 3}) {
    Model m;
    const fs::path dir = fresh_dir(concat("world", world));
    write_as(world, dir, m, 42);
    const std::vector<CheckpointRef> all = list_checkpoints(dir.string());
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].step, 42);
    EXPECT_TRUE(verify_checkpoint(all[0].path, true).ok)
        << verify_checkpoint(all[0].path, true).problem;
    const CheckpointManifest manifest = read_manifest(all[0].path);
    EXPECT_EQ(manifest.world_size, world);
    EXPECT_EQ(manifest.files.size(), static_cast<size_t>(world + 1));
    EXPECT_EQ(manifest.validation.at("valid_loss"), 1.5);

    const TrainingState s = read_training_state(all[0].path);
    EXPECT_EQ(s.step, 42);
    EXPECT_EQ(s.scalars.at("schedule/plateau_scale"), 0.1);  // exact
    EXPECT_EQ(s.identity.config_yaml, "model: {}\n");
    EXPECT_EQ(s.identity.vocab, sample_state(0).identity.vocab);
    EXPECT_EQ(s.tensors.at("tbptt/h/layer0").to_vector<float>(),
              sample_state(0).tensors.at("tbptt/h/layer0").to_vector<float>());

    Model other;  // other initial values: everything must come from the checkpoint
    other.store.values().zero();
    other.moment.zero();
    std::vector<FlatBuffer> targets = other.buffers();
    read_flat_buffers(all[0].path, other.store, targets);
    EXPECT_EQ(other.store.values().to_vector<float>(), m.store.values().to_vector<float>());
    EXPECT_EQ(other.moment.to_vector<float>(), m.moment.to_vector<float>());
    EXPECT_EQ(read_parameters(all[0].path).at("a/weight").to_vector<float>(),
              m.store.find("a/weight")->var().value().to_vector<float>());
    EXPECT_TRUE(fs::is_empty(dir) == false);
  }
}

// The identity and the state fields share state.h5's texts; reading separates them again.
TEST(Checkpoint, IdentityAndStateTextsComeBackApart) {
  Model m;
  const fs::path dir = fresh_dir("identity");
  TrainingState state = sample_state(3);
  state.identity.model_type = "seq2seq";
  state.identity.tokenizer = "word";
  state.identity.lowercase = true;
  state.identity.extra = {{"source_vocab", "a\nb\n"}};
  state.texts = {{"data/train_hash", "abc"}};
  CheckpointWriter w({dir.string(), 0, 1, "t", 10.0});
  w.write(m.store, {.buffers = m.buffers(), .state = state});

  const TrainingState read = read_training_state(list_checkpoints(dir.string()).at(0).path);
  EXPECT_EQ(read.identity.model_type, "seq2seq");
  EXPECT_EQ(read.identity.tokenizer, "word");
  EXPECT_TRUE(read.identity.lowercase);
  EXPECT_EQ(read.identity.recur_version, "test");
  EXPECT_EQ(read.identity.extra, state.identity.extra);
  EXPECT_EQ(read.texts, state.texts);
  EXPECT_EQ(read_manifest(list_checkpoints(dir.string()).at(0).path).recur_version, "test");
}

// Holds the writing thread at one named point of a write until released. A synchronous writer
// reaches the point on the thread that called write(), which cannot wait for itself: the gate
// records that and lets it pass.
class WriterGate {
 public:
  explicit WriterGate(std::string point) : point_(std::move(point)) {}
  std::function<void(std::string_view)> hook() {
    return [this](std::string_view point) {
      if (point != point_) return;
      std::unique_lock lock(mutex_);
      reached_ = true;
      if (std::this_thread::get_id() == caller_) return;
      changed_.notify_all();
      changed_.wait(lock, [&] { return released_; });
    };
  }
  // False if the writer never got there (a test that would otherwise hang).
  bool wait_until_reached() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::minutes(1), [&] { return reached_; });
  }
  void release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }

 private:
  const std::string point_;
  const std::thread::id caller_ = std::this_thread::get_id();
  std::mutex mutex_;
  std::condition_variable changed_;
  bool reached_ = false, released_ = false;
};

// What a training loop sees of a checkpoint written at step 7 while it goes on.
struct WriteWhileTraining {
  bool committed_before_training_went_on = false;  // the write did not overlap training
  // Parameters and the optimiser buffer at the snapshot, and as the file holds them.
  std::vector<float> before, written, moment_before, moment_written;
};

// Writes with the writer held in the middle of its shard; meanwhile training changes every
// parameter. Then releases the writer and reads the checkpoint back.
WriteWhileTraining write_while_training(bool async, const std::string& name) {
  Model m;
  const fs::path dir = fresh_dir(name);
  WriteWhileTraining seen;
  seen.before = m.store.values().to_vector<float>();
  seen.moment_before = m.moment.to_vector<float>();
  WriterGate gate("mid_shard");
  CheckpointWriter w({dir.string(), 0, 1, "t", 10.0, gate.hook()});
  w.write(m.store, {.buffers = m.buffers(), .state = sample_state(7), .async = async});
  w.snapshot_taken();
  EXPECT_TRUE(gate.wait_until_reached()) << "the writer never reached mid_shard";
  seen.committed_before_training_went_on = !list_checkpoints(dir.string()).empty();
  // The next optimiser step. Mid-shard, the parameters are in the file and the optimiser buffer
  // (written second) is not yet: only a snapshot keeps its old values.
  m.store.values().fill(9.0);
  m.moment.fill(9.0);
  gate.release();
  w.wait();
  Model read;
  std::vector<FlatBuffer> targets = read.buffers();
  read_flat_buffers(list_checkpoints(dir.string()).at(0).path, read.store, targets);
  seen.written = read.store.values().to_vector<float>();
  seen.moment_written = read.moment.to_vector<float>();
  return seen;
}

TEST(Checkpoint, AsynchronousWriteKeepsTheSnapshot) {
  const WriteWhileTraining async = write_while_training(true, "async");
  EXPECT_FALSE(async.committed_before_training_went_on) << "training waited for the write";
  EXPECT_EQ(async.written, async.before) << "the file holds parameters changed after the snapshot";
  EXPECT_EQ(async.moment_written, async.moment_before) << "the optimiser buffer changed after it";

  // Negative control: a synchronous write also keeps the snapshot, but training cannot go on
  // while it is written, and the first check must see that.
  const WriteWhileTraining sync = write_while_training(false, "sync");
  EXPECT_TRUE(sync.committed_before_training_went_on);
  EXPECT_EQ(sync.written, sync.before);
  EXPECT_EQ(sync.moment_written, sync.moment_before);
}

TEST(Checkpoint, TruncatedAndBitFlippedFilesAreDetected) {
  Model m;
  const fs::path dir = fresh_dir("damage");
  write_as(2, dir, m, 5);
  const fs::path checkpoint = list_checkpoints(dir.string()).at(0).path;
  const fs::path shard = checkpoint / "shard-00001-of-00002.h5";
  const auto size = fs::file_size(shard);

  std::string bytes = file_bytes(shard);
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 1);
  std::ofstream(shard, std::ios::binary | std::ios::trunc) << bytes;
  CheckpointCheck flipped = verify_checkpoint(checkpoint.string(), false);
  EXPECT_FALSE(flipped.ok);
  EXPECT_EQ(flipped.problem, "shard-00001-of-00002.h5 does not match its hash (damaged)");

  fs::resize_file(shard, size / 2);
  CheckpointCheck truncated = verify_checkpoint(checkpoint.string(), false);
  EXPECT_FALSE(truncated.ok);
  EXPECT_EQ(truncated.problem, concat("shard-00001-of-00002.h5 has ", size / 2,
                                      " bytes, the manifest says ", size, " (truncated?)"));
  fs::remove(shard);
  EXPECT_EQ(verify_checkpoint(checkpoint.string(), false).problem,
            "shard-00001-of-00002.h5 is missing");
}

// A checkpoint copied from elsewhere reads nothing outside its folder.
TEST(Checkpoint, FilesOutsideTheFolderAreRefused) {
  Model m;
  const fs::path dir = fresh_dir("outside");
  write_as(1, dir, m, 5);
  const fs::path checkpoint = list_checkpoints(dir.string()).at(0).path;
  const fs::path manifest = checkpoint / "manifest.json";
  std::string text = file_bytes(manifest);
  const std::string state = "\"name\": \"state.h5\"";
  ASSERT_NE(text.find(state), std::string::npos) << text;
  const std::string original = text;
  text.replace(text.find(state), state.size(), "\"name\": \"../../etc/passwd\"");
  std::ofstream(manifest, std::ios::trunc) << text;
  EXPECT_EQ(verify_checkpoint(checkpoint.string(), false).problem,
            manifest.string() +
                ": '../../etc/passwd' is not the name of a file in the checkpoint's folder");

  std::ofstream(manifest, std::ios::trunc) << original;
  const fs::path shard = checkpoint / "shard-00000-of-00001.h5";
  const fs::path elsewhere = dir / "elsewhere.h5";
  fs::rename(shard, elsewhere);
  fs::create_symlink(elsewhere, shard);
  EXPECT_EQ(verify_checkpoint(checkpoint.string(), false).problem,
            "shard-00000-of-00001.h5 is a symbolic link: a checkpoint holds its own files");
}

TEST(Checkpoint, RetentionAndUncommittedWrites) {
  Model m;
  const fs::path dir = fresh_dir("retention");
  for (int64_t step : {10, 20, 30, 40, 50})
    write_as(1, dir, m, step);
  fs::create_directories(dir / ".tmp-step-00000060-x");  // a write that never committed
  EXPECT_EQ(list_checkpoints(dir.string()).size(), 5u);
  remove_old_checkpoints(dir.string(), 2, 20);
  std::vector<int64_t> steps;
  for (const auto& c : list_checkpoints(dir.string()))
    steps.push_back(c.step);
  EXPECT_EQ(steps, (std::vector<int64_t>{50, 40, 20}));
  remove_uncommitted(dir.string());
  EXPECT_FALSE(fs::exists(dir / ".tmp-step-00000060-x"));
}

TEST(Checkpoint, MissingParametersAreNamed) {
  Model m;
  const fs::path dir = fresh_dir("missing");
  write_as(1, dir, m, 1);
  ParameterStore bigger;
  Linear a(bigger, "a", 7, 5);
  Linear c(bigger, "c", 5, 3);
  bigger.materialize(DType::F32, 1);
  std::vector<FlatBuffer> targets = {{"params", bigger.values()}};
  const std::string path = list_checkpoints(dir.string()).at(0).path;
  try {
    read_flat_buffers(path, bigger, targets);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              path + ": the checkpoint has a parameter b/weight that this model lacks");
  }
}

}  // namespace
}  // namespace recur::test
