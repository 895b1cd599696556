// Beam search through the TranslationModel interface, for both architectures: every hypothesis
// it returns carries the log probability that teacher forcing gives its tokens (which checks the
// incremental decoders and the reordering of their state between steps), and hypotheses come
// best first.
#include <cmath>

#include "data/vocab.h"
#include "kernels/dispatch.h"
#include "seq2seq/seq2seq.h"
#include "test_util.h"
#include "transformer/transformer.h"
#include "translation/search.h"

namespace recur::test {
namespace {

constexpr int64_t kVocab = 12;

std::unique_ptr<TranslationModel> tiny_model(const std::string& family, ParameterStore& store) {
  if (family == "transformer") {
    TransformerConfig c;
    c.model_size = 8;
    c.heads = 2;
    c.feed_forward_size = 12;
    c.encoder_layers = 2;
    c.decoder_layers = 2;
    return std::make_unique<Transformer>(c, kVocab, kVocab, store);
  }
  Seq2SeqConfig c;
  c.embedding_size = 6;
  c.encoder_layers = 1;
  c.encoder_hidden = 5;
  c.decoder_layers = 2;
  c.decoder_hidden = 7;
  c.attention = AttentionType::LuongGeneral;
  c.input_feeding = true;
  return std::make_unique<Seq2Seq>(c, kVocab, kVocab, store);
}

// log p(tokens [+ <eos>] | source) by teacher forcing; <eos> counts unless the hypothesis was cut
// at the length limit.
double teacher_forced_log_prob(const TranslationModel& model, const std::vector<int32_t>& source,
                               const std::vector<int32_t>& tokens, bool ended) {
  const Seq2SeqBatch batch = make_batch(ParallelData::of({source}, {tokens}), {0}, false);
  Tape tape(false);
  const ForwardContext ctx = ForwardContext::for_inference(tape);
  const Tensor logits = model.forward(ctx, batch).value();  // (T, V), batch of one
  Tensor log_probs = Tensor::empty(logits.shape(), DType::F32);
  kernels::log_softmax_forward<float>(logits.device(), logits.dim(0), kVocab, logits.data<float>(),
                                      log_probs.data<float>());
  double total = 0;
  const size_t positions = tokens.size() + (ended ? 1 : 0);
  for (size_t t = 0; t < positions; ++t) {
    const int32_t next = t < tokens.size() ? tokens[t] : Vocab::kEos;
    total += log_probs.data<float>()[static_cast<int64_t>(t) * kVocab + next];
  }
  return total;
}

class BeamSearch : public ::testing::TestWithParam<std::string> {};

TEST_P(BeamSearch, HypothesesCarryTheirTeacherForcedLogProbability) {
  ParameterStore store;
  const std::unique_ptr<TranslationModel> model = tiny_model(GetParam(), store);
  store.materialize(DType::F32, 4);
  const std::vector<std::vector<int32_t>> sources = {{4, 5, 6, 7, 8}, {9, 10}, {11, 4, 6}};
  SearchOptions options;
  options.max_length_ratio = 1.0;  // short limits, so some hypotheses end there without <eos>
  for (int64_t beam : {1, 3}) {
    options.beam = beam;
    options.nbest = beam;
    const auto found = beam_search(*model, sources, options);
    ASSERT_EQ(found.size(), sources.size());
    for (size_t s = 0; s < sources.size(); ++s) {
      ASSERT_FALSE(found[s].empty());
      const size_t limit = sources[s].size() + 10;
      for (size_t i = 0; i < found[s].size(); ++i) {
        const Hypothesis& h = found[s][i];
        const bool ended = h.tokens.size() < limit;
        EXPECT_NEAR(h.log_prob, teacher_forced_log_prob(*model, sources[s], h.tokens, ended),
                    1e-4 * (1.0 + std::abs(h.log_prob)))
            << GetParam() << " beam " << beam << " sentence " << s << " hypothesis " << i;
        if (i > 0) {
          EXPECT_GE(found[s][i - 1].score, h.score);
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Families, BeamSearch, ::testing::Values("seq2seq", "transformer"),
                         [](const auto& test) { return test.param; });

}  // namespace
}  // namespace recur::test
