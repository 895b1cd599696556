// An experiment: the whole YAML config of a run, read into typed structs.
#pragma once

#include <string>
#include <vector>

#include "config/reader.h"
#include "decoding_config.h"
#include "language/language_model_data.h"
#include "lstm_lm/lstm_lm_config.h"
#include "seq2seq/seq2seq_config.h"
#include "train/train_config.h"
#include "transformer/transformer_config.h"
#include "translation/translation_data.h"

namespace recur {

enum class ModelType { LstmLm, Seq2Seq, Transformer, TransformerLm };

// Model types trained on parallel text (the others are language models).
inline bool is_translation_model(ModelType type) {
  return type == ModelType::Seq2Seq || type == ModelType::Transformer;
}

struct ExperimentConfig {
  ModelType model_type = ModelType::LstmLm;
  LstmLmConfig lstm_lm;            // model.type lstm_lm
  Seq2SeqConfig seq2seq;           // model.type seq2seq
  TransformerConfig transformer;   // model.type transformer and transformer_lm
  LanguageModelDataConfig data;    // the data section of language models
  TranslationDataConfig parallel;  // the data section of translation models
  DecodingConfig decoding;         // translation models
  TrainingConfig training;
  OptimizerConfig optimizer;
  ScheduleConfig schedule;
  ValidationConfig validation;
  DistributedConfig distributed;
  CheckpointConfig checkpoint;
  LoggingConfig logging;
  std::string run_dir;  // default: runs/<name of the config file>

  void describe(ConfigVisitor& v);
  void check(ConfigChecker& c) const;

  // Reads and validates a config (Error with file:line or --set on any problem).
  static ExperimentConfig load(const ConfigInput& input);
  // The resolved config as YAML, every key included.
  std::string to_yaml();
  // docs/config.md: every key, for each model type
  static std::string reference_markdown();
};

const char* model_type_name(ModelType type);

// Keys a resumed run may change (prefixes of dotted keys); every other change is an error.
const std::vector<std::string>& keys_changeable_on_resume();
// Throws Error naming the first key whose value differs between the config a checkpoint was
// trained with (its resolved YAML) and `now`, unless that key may change on resume.
void check_resume_compatible(const std::string& trained_yaml, ExperimentConfig& now);

}  // namespace recur
