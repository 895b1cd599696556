// An experiment: the whole YAML config of a run, read into typed structs.
#pragma once

#include <string>
#include <vector>

#include "config/reader.h"
#include "config_part.h"
#include "decoding_config.h"
#include "train/train_config.h"

namespace recur {

struct ModelType;

struct ExperimentConfig {
  ExperimentConfig();  // the first model type of the registry, every key at its default

  ConfigPart model;         // the model section: the struct of model_type()
  ConfigPart data;          // the data section: the struct of model_type()'s family
  DecodingConfig decoding;  // families that translate
  TrainingConfig training;
  OptimizerConfig optimizer;
  ScheduleConfig schedule;
  ValidationConfig validation;
  DistributedConfig distributed;
  CheckpointConfig checkpoint;
  LoggingConfig logging;
  std::string run_dir;  // default: runs/<name of the config file>

  const ModelType& model_type() const { return *model_type_; }
  // Another type starts its model section from its defaults, and another family its data section.
  void set_model_type(const ModelType& type);

  void describe(ConfigVisitor& v);
  void check(ConfigChecker& c) const;

  // Reads and validates a config (Error with file:line or --set on any problem).
  static ExperimentConfig load(const ConfigInput& input);
  // The resolved config as YAML, every key included.
  std::string to_yaml();
  // docs/config.md: every key, for each model type
  static std::string reference_markdown();

 private:
  void describe_model(ConfigVisitor& m);

  const ModelType* model_type_ = nullptr;
};

// Keys a resumed run may change (prefixes of dotted keys); every other change is an error.
const std::vector<std::string>& keys_changeable_on_resume();
// Throws Error naming the first key whose value differs between the config a checkpoint was
// trained with (its resolved YAML; keys it lacks take their defaults) and `now`, unless that key
// may change on resume.
void check_resume_compatible(const std::string& trained_yaml, ExperimentConfig& now);

}  // namespace recur
