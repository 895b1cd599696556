// Helpers of the tests that run `recur train` through launcher/recur-mpirun and read its outputs.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace recur::test {

// A folder of this test program, emptied at first use.
std::filesystem::path work_dir(const std::string& name);

// Writes the language-model config the multi-rank tests train: a small LSTM with dropout on the
// shipped sample, 24 streams, logging every step. Returns its path.
std::string lm24_config(const std::filesystem::path& dir);

// Writes the skip-gram config the multi-rank tests train: 16-dimensional vectors of the sample's
// words, 48 centres a step, validation every 10 steps, logging every step. Returns its path.
std::string skipgram_config(const std::filesystem::path& dir);

// Generates bAbI task 1 (60 training stories) into `dir` and writes the DMN config the multi-rank
// tests train: 8-dimensional, 2 passes, dropout on, 12 questions a step, validation every 10
// steps, logging every step. Returns its path.
std::string dmn_config(const std::filesystem::path& dir);

// Runs `recur train --config <config> --set run_dir=<run> <extra>` on `ranks` ranks; returns the
// exit code; the output goes to <run>.out.
int train(int ranks, const std::string& config, const std::filesystem::path& run,
          const std::string& extra = "");

// The value after "key": in each line of a JSON-lines file whose "type" is `type`.
std::vector<double> column(const std::filesystem::path& file, const std::string& type,
                           const std::string& key);

// Every parameter of a run's model.h5, concatenated in path order.
Tensor final_parameters(const std::filesystem::path& run);

// sqrt(sum (a - b)^2 / sum b^2)
double norm_relative_difference(const Tensor& a, const Tensor& b);

}  // namespace recur::test
