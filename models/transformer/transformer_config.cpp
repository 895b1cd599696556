#include "transformer/transformer_config.h"

namespace recur {

void TransformerConfig::describe_shared(ConfigVisitor& v) {
  v.field("model_size", model_size, "d_model: embeddings, attention and residual stream size",
          Bounds::at_least(1));
  v.field("heads", heads, "attention heads (model_size must divide by it)", Bounds::at_least(1));
  v.field("feed_forward_size", feed_forward_size, "hidden size of the position-wise feed-forward",
          Bounds::at_least(1));
}

void TransformerConfig::describe(ConfigVisitor& v) {
  describe_shared(v);
  v.field("encoder_layers", encoder_layers, "encoder layers", Bounds::at_least(1));
  v.field("decoder_layers", decoder_layers, "decoder layers", Bounds::at_least(1));
  describe_layer_options(v);
  v.field("tie_embeddings", tie_embeddings, "the output layer reuses the target embeddings");
  v.field("share_embeddings", share_embeddings,
          "source and target embeddings are one matrix (needs data.joint_vocab)");
  v.field("label_smoothing", label_smoothing, "label smoothing of the training loss",
          Bounds::probability());
}

void TransformerConfig::describe_language_model(ConfigVisitor& v) {
  describe_shared(v);
  v.field("layers", layers, "layers (causal self-attention and feed-forward)", Bounds::at_least(1));
  describe_layer_options(v);
  v.field("tie_embeddings", tie_embeddings, "the output layer reuses the embeddings");
}

void TransformerConfig::describe_layer_options(ConfigVisitor& v) {
  v.field("dropout", dropout,
          "dropout on embeddings, on every sub-layer's output and in the feed-forward",
          Bounds::probability());
  v.field("pre_norm", pre_norm,
          "layer norm before each sub-layer and after each stack (true), or after each residual "
          "addition as in Vaswani et al. (false)");
  v.choice("positions", positions,
           {{"sinusoidal", PositionType::Sinusoidal}, {"learned", PositionType::Learned}},
           "position encodings: fixed sinusoids, or learned embeddings of max_positions");
  v.field("max_positions", max_positions, "learned positions: the longest sequence or window",
          Bounds::at_least(1));
}

void TransformerConfig::check(ConfigChecker& c) const {
  c.require(model_size % heads == 0, "model.heads", "model.model_size must divide by model.heads");
}

}  // namespace recur
