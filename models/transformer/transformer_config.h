// Configuration of the transformer encoder-decoder (model.type transformer) and of the transformer
// language model (model.type transformer_lm).
#pragma once

#include "config/visitor.h"

namespace recur {

enum class PositionType { Sinusoidal, Learned };

struct TransformerConfig {
  int64_t model_size = 256;  // d_model: embeddings, attention and every residual stream
  int64_t heads = 4;
  int64_t feed_forward_size = 1024;
  int64_t encoder_layers = 3;
  int64_t decoder_layers = 3;
  int64_t layers = 4;    // the language model's
  double dropout = 0.1;  // embeddings + positions, every sub-layer output, feed-forward hidden
  bool pre_norm = true;  // layer norm before each sub-layer (and after the stack) or after
  PositionType positions = PositionType::Sinusoidal;
  int64_t max_positions = 512;    // learned positions: the longest sequence
  bool tie_embeddings = true;     // the output layer reuses the target embeddings
  bool share_embeddings = false;  // source and target embeddings are one matrix (joint vocab)
  double label_smoothing = 0.1;

  void describe(ConfigVisitor& v);                 // the encoder-decoder's keys
  void describe_language_model(ConfigVisitor& v);  // the language model's keys
  void check(ConfigChecker& c) const;

 private:
  void describe_shared(ConfigVisitor& v);         // sizes: before the layer counts
  void describe_layer_options(ConfigVisitor& v);  // dropout, norms, positions: after them
};

}  // namespace recur
