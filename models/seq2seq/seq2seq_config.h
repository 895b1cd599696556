// Configuration of the recurrent encoder-decoder with attention (model.type seq2seq).
#pragma once

#include <string>

#include "config/visitor.h"
#include "nn/rnn_stack.h"

namespace recur {

enum class AttentionType {
  None,
  Bahdanau,
  LuongDot,
  LuongGeneral,
  LuongConcat,
  LuongLocalM,  // local, monotonic: centred on the target position
  LuongLocalP   // local, predictive: centred on a predicted source position
};
enum class BridgeType { Dense, Zeros };

struct Seq2SeqConfig {
  CellType cell = CellType::Lstm;
  int64_t embedding_size = 256;
  int64_t encoder_layers = 2;
  int64_t encoder_hidden = 256;  // per direction
  bool bidirectional = true;
  int64_t decoder_layers = 2;
  int64_t decoder_hidden = 512;
  double dropout = 0.2;  // embeddings, between layers, attentional output
  bool residual = false;
  bool learned_init = false;  // the encoder's initial states are parameters
  // Word vectors to start the source and target embeddings from (empty: none).
  std::string source_pretrained_embeddings, target_pretrained_embeddings;
  bool freeze_embeddings = false;  // both embedding tables keep the values they start with
  AttentionType attention = AttentionType::LuongGeneral;
  int64_t local_window = 10;  // D: local attention reaches D positions either side
  bool input_feeding = true;
  bool reverse_source = false;
  BridgeType bridge = BridgeType::Dense;
  bool tie_embeddings = false;
  double label_smoothing = 0.1;

  int64_t encoder_output_size() const { return encoder_hidden * (bidirectional ? 2 : 1); }
  void describe(ConfigVisitor& v);
  void check(ConfigChecker& c) const;
};

}  // namespace recur
