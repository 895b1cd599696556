// What a model file and a checkpoint both carry about the run that made them: enough to rebuild
// the model, its tokenisers and its vocabularies without the training data.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace recur {

struct RunIdentity {
  std::string model_type;          // a registry name, e.g. "lstm_lm"
  std::string config_yaml;         // the resolved config of the run
  std::vector<std::string> vocab;  // tokens in id order (a translation model's target side)
  std::string tokenizer;           // "char", "word" or "subword"
  bool lowercase = false;
  std::string recur_version;  // version and git hash
  // What a model family adds, by name (a translation model's source vocabulary and subword
  // models). Names hold no '/'.
  std::map<std::string, std::string> extra;
};

// A checkpoint keeps the identity among the named texts of its state.h5 (docs/checkpoint-format.md)
// beside the state fields, whose names always hold a '/' (section/field); the vocabulary is
// stored on its own.
std::map<std::string, std::string> identity_texts(const RunIdentity& identity);
// Moves the identity's texts out of `texts` (a missing core text stays empty), leaving the state
// fields.
RunIdentity take_identity(std::map<std::string, std::string>& texts,
                          std::vector<std::string> vocab);

}  // namespace recur
