#include "seq2seq/seq2seq_type.h"

#include "seq2seq/seq2seq.h"

namespace recur {

ConfigSection seq2seq_section() {
  return ConfigSection::of<Seq2SeqConfig>();
}

std::unique_ptr<Model> build_seq2seq(const ExperimentConfig& config, VocabSizes vocab,
                                     ParameterStore& store) {
  return std::make_unique<Seq2Seq>(config.model.as<Seq2SeqConfig>(), vocab.input, vocab.output,
                                   store);
}

}  // namespace recur
