// What model files and checkpoints carry about a run besides its parameters, for every model type:
// the identity (model type, resolved config, tokeniser, vocabularies, recur's version).
#pragma once

#include <map>
#include <string>

#include "checkpoint/checkpoint.h"
#include "data/vocab.h"
#include "experiment.h"

namespace recur {

// recur's version and git hash, as written into run directories, model files and checkpoints.
std::string recur_version_text();

// A model file, or a run directory (its model.best.h5 if there is one, else model.h5).
std::string resolve_model_path(const std::string& path);

// The identity of a run of `config` with `vocab` (a translation model's target vocabulary) and
// what its family adds (`extra`).
RunIdentity run_identity(ExperimentConfig& config, const Vocab& vocab,
                         std::map<std::string, std::string> extra = {});
// The vocabulary of an identity.
Vocab vocab_of(const RunIdentity& identity);
// A vocabulary kept as a text: one token per line.
std::string vocab_text(const Vocab& vocab);
Vocab vocab_from_text(const std::string& text, TokenizerType type, bool lowercase);

struct ModelSource {
  RunIdentity identity;
  int64_t step = 0;
  std::map<std::string, Tensor> params;
};
// `path`: a model file, a run directory (see resolve_model_path) or a checkpoint directory.
ModelSource read_model_source(const std::string& path);
// The model type a model file, run or checkpoint holds ("lstm_lm", "seq2seq", ...).
std::string model_type_of(const std::string& path);
// The config a source was trained with; `origin` names it in errors.
ExperimentConfig config_of(const ModelSource& source, const std::string& origin);

// The model file of a run (see docs/checkpoint-format.md).
void save_model(const std::string& path, const RunIdentity& identity, ParameterStore& store,
                int64_t step);

}  // namespace recur
