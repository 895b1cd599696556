// The model types recur trains and the families they belong to: two tables that everything else
// reads. The config reads model.type, the model section of the type and the data section of its
// family through them (and docs/config.md lists them in their order); a training run takes its
// family's job; model files are rebuilt by their type's factory. A new architecture adds one row
// to model_types(), a new family one row to model_families() (see docs/architecture.md).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "experiment.h"
#include "model.h"
#include "nn/parameters.h"

namespace recur {

class ModelJob;

// A config section whose struct depends on the model type (model) or family (data).
struct ConfigSection {
  using Check = std::function<void(const ConfigPart&, const ExperimentConfig&, ConfigChecker&)>;

  std::function<ConfigPart()> defaults;
  std::function<void(ConfigPart&, ConfigVisitor&)> describe;
  Check check;  // after reading; may look at other sections

  // The section of struct T: keys from T::describe (or Describe), checked by T::check when T has
  // one, then by `more`, which may compare them with other sections.
  template <class T, auto Describe = &T::describe>
  static ConfigSection of(
      std::function<void(const T&, const ExperimentConfig&, ConfigChecker&)> more = {}) {
    return {[] { return ConfigPart(T{}); },
            [](ConfigPart& part, ConfigVisitor& v) { (part.as<T>().*Describe)(v); },
            [more](const ConfigPart& part, const ExperimentConfig& config, ConfigChecker& c) {
              const T& section = part.as<T>();
              if constexpr (requires { section.check(c); }) section.check(c);
              if (more) more(section, config, c);
            }};
  }
};

struct ModelFamily {
  std::string name;    // "language", "translation"
  ConfigSection data;  // the data section
  bool translates;     // reads and writes sentences: the decoding section, recur translate and
                       // BLEU in recur eval
  // The data section names validation data (early stopping and the plateau schedule need it).
  std::function<bool(const ConfigPart& data)> has_validation_data;
  std::function<std::unique_ptr<ModelJob>()> make_job;  // its part of a training run
};

// Declares the parameters of the model in `store`.
using ModelFactory =
    std::function<std::unique_ptr<Model>(const ExperimentConfig&, VocabSizes, ParameterStore&)>;

struct ModelType {
  std::string name;     // model.type, and the model_type that model files and checkpoints keep
  std::string summary;  // what it is, in the help of model.type
  const ModelFamily* family;  // a row of model_families()
  ConfigSection section;      // the model section
  ModelFactory build;
};

// In the order of docs/config.md: each family's types in the order of model_types().
const std::vector<ModelFamily>& model_families();
// The first is the default model.type.
const std::vector<ModelType>& model_types();

// nullptr for a name no type has (a model file of another recur version, say).
const ModelType* find_model_type(const std::string& name);
// Whether `type_name` names a model type of family `family_name`.
bool in_family(const std::string& type_name, const std::string& family_name);

}  // namespace recur
