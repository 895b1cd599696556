#include "seq2seq/seq2seq_model_file.h"

#include "checkpoint/model_file.h"

namespace recur {

std::unique_ptr<LoadedSeq2Seq> load_seq2seq(const std::string& path) {
  const ModelSource source = read_model_source(path);
  const std::string& type = source.identity.texts.at("model_type");
  RECUR_CHECK(type == "seq2seq", path, " holds a ", type,
              " model, not a sequence-to-sequence model");
  auto loaded = std::make_unique<LoadedSeq2Seq>();
  loaded->config = config_of(source, path);
  loaded->vocabularies = Seq2SeqData::from_identity(source.identity);
  loaded->model =
      std::make_unique<Seq2Seq>(loaded->config.seq2seq, loaded->vocabularies.source_vocab.size(),
                                loaded->vocabularies.target_vocab.size(), loaded->store);
  loaded->store.materialize(DType::F32, 0);
  assign_parameters(source.params, loaded->store, path);
  return loaded;
}

std::string model_type_of(const std::string& path) {
  if (is_checkpoint(path)) return read_training_state(path).texts.at("model_type");
  return read_model_file_info(resolve_model_path(path)).model_type;
}

}  // namespace recur
