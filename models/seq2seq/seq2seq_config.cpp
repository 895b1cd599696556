#include "seq2seq/seq2seq_config.h"

namespace recur {

void Seq2SeqConfig::describe(ConfigVisitor& v) {
  describe_cell(v, cell);
  v.field("embedding_size", embedding_size, "size of the source and target embeddings",
          Bounds::at_least(1));
  v.field("encoder_layers", encoder_layers, "encoder layers", Bounds::at_least(1));
  v.field("encoder_hidden", encoder_hidden, "encoder state size, per direction",
          Bounds::at_least(1));
  v.field("bidirectional", bidirectional, "bidirectional encoder (directions concatenated)");
  v.field("decoder_layers", decoder_layers, "decoder layers", Bounds::at_least(1));
  v.field("decoder_hidden", decoder_hidden, "decoder state size (and attentional vector size)",
          Bounds::at_least(1));
  v.field("dropout", dropout, "dropout on embeddings, between layers and on the attentional vector",
          Bounds::probability());
  v.field("residual", residual,
          "residual connections around layers 2 and up (encoder and decoder)");
  v.field("learned_init", learned_init,
          "the encoder's initial h (and c) of every layer and direction are parameters "
          "(encoder/layer<l>/{fwd,bwd}/h0, c0) instead of zeros");
  v.path("source_pretrained_embeddings", source_pretrained_embeddings,
         "word vectors (word2vec or GloVe text) to start the source embeddings from", false);
  v.path("target_pretrained_embeddings", target_pretrained_embeddings,
         "word vectors (word2vec or GloVe text) to start the target embeddings from", false);
  v.field("freeze_embeddings", freeze_embeddings,
          "the source and target embeddings keep the values they start with (pretrained or "
          "initialised): no gradient, left out of the all-reduce, clipping and the optimiser");
  v.choice(
      "attention", attention,
      {{"none", AttentionType::None},
       {"bahdanau", AttentionType::Bahdanau},
       {"luong_dot", AttentionType::LuongDot},
       {"luong_general", AttentionType::LuongGeneral},
       {"luong_concat", AttentionType::LuongConcat},
       {"luong_local_m", AttentionType::LuongLocalM},
       {"luong_local_p", AttentionType::LuongLocalP}},
      "none; bahdanau: v^T tanh(W s_prev + U h) from the previous decoder state, context fed to "
      "the decoder; luong_dot, luong_general, luong_concat: from the current top decoder state, "
      "attentional state tanh(W_c [c; h]); luong_local_m, luong_local_p: general scores over the "
      "source positions within model.local_window of p_t (local_m: p_t = t; local_p: p_t = S "
      "sigmoid(v_p^T tanh(W_p h_t)), S the sentence's length), times a Gaussian of sigma "
      "local_window / 2 around p_t");
  v.field("local_window", local_window,
          "half width D of the local attention window (luong_local_m, luong_local_p)",
          Bounds::at_least(1));
  v.field("input_feeding", input_feeding,
          "Luong attention: feed the previous attentional vector to the decoder");
  v.field("reverse_source", reverse_source,
          "read the source sentence backwards (Sutskever et al.)");
  v.choice(
      "bridge", bridge, {{"dense", BridgeType::Dense}, {"zeros", BridgeType::Zeros}},
      "decoder initial state: dense (tanh of a linear map of the encoder's final states) or zeros");
  v.field("tie_embeddings", tie_embeddings,
          "the output layer shares the target embeddings (needs decoder_hidden == embedding_size)");
  v.field("label_smoothing", label_smoothing, "label smoothing of the training loss",
          Bounds::probability());
}

void Seq2SeqConfig::check(ConfigChecker& c) const {
  c.require(!tie_embeddings || decoder_hidden == embedding_size, "model.tie_embeddings",
            "needs model.decoder_hidden == model.embedding_size");
  c.require(!(freeze_embeddings && tie_embeddings), "model.freeze_embeddings",
            "cannot freeze tied embeddings: the target embeddings are also the output layer, "
            "which must train (set model.tie_embeddings: false)");
  c.require(attention != AttentionType::LuongDot || encoder_output_size() == decoder_hidden,
            "model.attention",
            "luong_dot needs the encoder output size (encoder_hidden x directions) == "
            "model.decoder_hidden");
  c.require(!input_feeding || attention != AttentionType::None, "model.input_feeding",
            "needs an attention (model.attention is none)");
}

}  // namespace recur
