// Configuration of the sequence-to-sequence model and of its parallel data.
#pragma once

#include <string>

#include "config/visitor.h"
#include "data/tokenizer.h"
#include "nn/rnn_stack.h"

namespace recur {

enum class AttentionType { None, Bahdanau, LuongDot, LuongGeneral, LuongConcat };
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
  AttentionType attention = AttentionType::LuongGeneral;
  bool input_feeding = true;
  bool reverse_source = false;
  BridgeType bridge = BridgeType::Dense;
  bool tie_embeddings = false;
  double label_smoothing = 0.1;

  int64_t encoder_output_size() const { return encoder_hidden * (bidirectional ? 2 : 1); }
  void describe(ConfigVisitor& v);
  void check(ConfigChecker& c) const;
};

struct TranslationDataConfig {
  std::string source_train, target_train;
  std::string source_valid, target_valid;
  std::string source_test, target_test;
  TokenizerType tokenizer = TokenizerType::Word;
  bool lowercase = false;
  int64_t subword_vocab = 8000;  // pieces of each subword model
  bool joint_vocab = false;      // one tokeniser and vocabulary for both sides
  int64_t min_frequency = 1;
  int64_t max_vocab = 0;
  int64_t max_length =
      100;  // training pairs with a longer side (in tokens) are skipped; 0: no limit

  void describe(ConfigVisitor& v);
};

struct DecodingConfig {
  int64_t beam_size = 5;
  double length_penalty = 1.0;    // hypotheses are ranked by log p / length^length_penalty
  double max_length_ratio = 2.0;  // at most this many target tokens per source token (+ 10)

  void describe(ConfigVisitor& v);
};

}  // namespace recur
