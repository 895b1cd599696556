// What the registry builds: every model type's factory returns a Model, which its family's code
// uses through the family's interface (LanguageModel, TranslationModel, WordVectorModel,
// QaModel).
#pragma once

#include <cstdint>
#include <memory>

#include "core/error.h"

namespace recur {

class Model {
 public:
  virtual ~Model() = default;
};

// The vocabularies a model is built for: a language model reads and predicts one (input ==
// output); a translation model reads the source vocabulary and predicts the target's.
struct VocabSizes {
  int64_t input = 0;
  int64_t output = 0;
};

// `model` as its family's interface; a model type whose factory builds another family's model is
// a bug in its registry entry.
template <class Interface>
std::unique_ptr<Interface> model_as(std::unique_ptr<Model> model) {
  auto* typed = dynamic_cast<Interface*>(model.get());
  RECUR_ASSERT(typed != nullptr, "the model type built a model of another family");
  model.release();
  return std::unique_ptr<Interface>(typed);
}

}  // namespace recur
