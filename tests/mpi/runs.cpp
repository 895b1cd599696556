#include "runs.h"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>

#include "checkpoint/h5.h"

namespace recur::test {

namespace fs = std::filesystem;

fs::path work_dir(const std::string& name) {
  static std::set<std::string> prepared;
  const fs::path dir = fs::temp_directory_path() / ("recur-test-" + name);
  if (prepared.insert(name).second) {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  return dir;
}

std::string lm24_config(const fs::path& dir) {
  const fs::path path = dir / "lm24.yaml";
  std::ofstream(path)
      << "model:\n  type: lstm_lm\n  embedding_size: 24\n  hidden_size: 32\n"
         "  layers: 2\n  dropout: 0.2\n  output_dropout: 0.1\n"
      << "data:\n  train: " << RECUR_SOURCE_DIR << "/datasets/bible/sample/kjv.valid.txt\n"
      << "training:\n  batch_size: 24\n  bptt: 25\n  max_steps: 20\n  clip_norm: 1.0\n"
         "optimizer:\n  type: adam\n  lr: 0.01\nlogging:\n  every_steps: 1\n";
  return path.string();
}

std::string skipgram_config(const fs::path& dir) {
  const fs::path path = dir / "skipgram.yaml";
  const std::string sample = RECUR_SOURCE_DIR "/datasets/bible/sample/";
  std::ofstream(path) << "model:\n  type: skipgram\n  embedding_size: 16\n  window: 3\n"
                         "  negatives: 3\n  subsample: 0.001\n"
                      << "data:\n  train: " << sample << "kjv.valid.txt\n  valid: " << sample
                      << "kjv.test.txt\n  lowercase: true\n"
                      << "training:\n  batch_size: 48\n  max_steps: 20\n"
                         "optimizer:\n  type: adam\n  lr: 0.01\n"
                         "validation:\n  every_steps: 10\nlogging:\n  every_steps: 1\n";
  return path.string();
}

std::string dmn_config(const fs::path& dir) {
  const std::string generate =
      concat("python3 " RECUR_SOURCE_DIR "/datasets/babi/generate.py --out ",
             (dir / "babi").string(), " --tasks 1 --train 60 --valid 20 --test 20 > /dev/null");
  RECUR_CHECK(std::system(generate.c_str()) == 0, "datasets/babi/generate.py failed");
  const fs::path path = dir / "dmn.yaml";
  const std::string babi = (dir / "babi" / "task1.").string();
  std::ofstream(path) << "model:\n  type: dmn\n  embedding_size: 8\n  hidden_size: 8\n"
                         "  passes: 2\n  dropout: 0.1\n"
                      << "data:\n  train: " << babi << "train.txt\n  valid: " << babi
                      << "valid.txt\n"
                      << "training:\n  batch_size: 12\n  max_steps: 20\n  clip_norm: 5.0\n"
                         "optimizer:\n  type: adam\n  lr: 0.01\n"
                         "validation:\n  every_steps: 10\n  batch_size: 8\n"
                         "logging:\n  every_steps: 1\n";
  return path.string();
}

int train(int ranks, const std::string& config, const fs::path& run, const std::string& extra) {
  const std::string command = concat(
      RECUR_MPIRUN, " -n ", ranks, " --oversubscribe -- ", RECUR_BINARY, " train --config ", config,
      " --set run_dir=", run.string(), " ", extra, " >> ", run.string(), ".out 2>&1");
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

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

Tensor final_parameters(const fs::path& run) {
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

}  // namespace recur::test
