#include "seq2seq/seq2seq_config.h"

namespace recur {

void Seq2SeqConfig::describe(ConfigVisitor& v) {
  v.choice("cell", cell, {{"lstm", CellType::Lstm}, {"gru", CellType::Gru}}, "recurrent cell");
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
  v.choice(
      "attention", attention,
      {{"none", AttentionType::None},
       {"bahdanau", AttentionType::Bahdanau},
       {"luong_dot", AttentionType::LuongDot},
       {"luong_general", AttentionType::LuongGeneral},
       {"luong_concat", AttentionType::LuongConcat}},
      "none; bahdanau: v^T tanh(W s_prev + U h) from the previous decoder state, context fed to "
      "the decoder; luong_dot, luong_general, luong_concat: from the current top decoder state, "
      "attentional state tanh(W_c [c; h])");
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
  c.require(attention != AttentionType::LuongDot || encoder_output_size() == decoder_hidden,
            "model.attention",
            "luong_dot needs the encoder output size (encoder_hidden x directions) == "
            "model.decoder_hidden");
  c.require(!input_feeding || attention != AttentionType::None, "model.input_feeding",
            "needs an attention (model.attention is none)");
}

void TranslationDataConfig::describe(ConfigVisitor& v) {
  v.path("source_train", source_train, "training source text, one sentence per line", true);
  v.path("target_train", target_train, "training target text, line i translating source line i",
         true);
  v.path("source_valid", source_valid, "validation source text", false);
  v.path("target_valid", target_valid, "validation target text", false);
  v.path("source_test", source_test, "test source text (recur eval's default)", false);
  v.path("target_test", target_test, "test target text", false);
  v.choice("tokenizer", tokenizer,
           {{"char", TokenizerType::Char},
            {"word", TokenizerType::Word},
            {"subword", TokenizerType::Subword}},
           "char, word, or subword (SentencePiece unigram models trained on the training text)");
  v.field("lowercase", lowercase, "lowercase ASCII letters before tokenising");
  v.field("subword_vocab", subword_vocab, "subword: pieces of each side's SentencePiece model",
          Bounds::at_least(16));
  v.field("joint_vocab", joint_vocab,
          "one subword model and vocabulary built from both sides' training text (needed by "
          "model.share_embeddings)");
  v.field("min_frequency", min_frequency, "tokens seen fewer times in training become <unk>",
          Bounds::at_least(1));
  v.field("max_vocab", max_vocab, "at most this many tokens per side, specials included (0: all)",
          Bounds::non_negative());
  v.field("max_length", max_length,
          "skip training pairs with a side longer than this many tokens (0: no limit)",
          Bounds::non_negative());
}

void DecodingConfig::describe(ConfigVisitor& v) {
  v.field("beam_size", beam_size,
          "beam width of recur translate and the test evaluation (1: greedy)", Bounds::at_least(1));
  v.field("length_penalty", length_penalty,
          "rank hypotheses by log p / length^length_penalty (0: raw log p)",
          Bounds::non_negative());
  v.field("max_length_ratio", max_length_ratio,
          "stop after max_length_ratio x source length + 10 tokens", Bounds::positive());
}

}  // namespace recur
