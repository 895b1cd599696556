// A trained sequence-to-sequence model, loaded with its config, tokenisers and vocabularies.
#pragma once

#include <memory>
#include <string>

#include "model_io.h"
#include "seq2seq/seq2seq.h"
#include "seq2seq/seq2seq_data.h"

namespace recur {

struct LoadedSeq2Seq {
  ExperimentConfig config;
  Seq2SeqData vocabularies;  // tokenisers and vocabularies (no corpus)
  ParameterStore store;
  std::unique_ptr<Seq2Seq> model;
};

// `path`: a model file, a run directory or a checkpoint directory.
std::unique_ptr<LoadedSeq2Seq> load_seq2seq(const std::string& path);
// The model type a model file, run or checkpoint holds ("lstm_lm", "seq2seq").
std::string model_type_of(const std::string& path);

}  // namespace recur
