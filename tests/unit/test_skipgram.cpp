// Skip-gram: the examples word2vec makes (windows within a line, subsampling, noise words by
// count^0.75, every draw keyed by text position), the f64 gradient check of the whole model, and
// the nearest words of a table.
#include <cmath>
#include <map>

#include "skipgram/skipgram.h"
#include "test_util.h"
#include "word_table.h"

namespace recur::test {
namespace {

constexpr int32_t kBos = Vocab::kBos, kEos = Vocab::kEos, kUnk = Vocab::kUnk;

TokenSequence text_of(std::vector<int32_t> ids) {
  std::vector<int32_t> chars(ids.size(), 1);
  return TokenSequence::of(std::move(ids), std::move(chars));
}

ContextSampling config_of(int64_t window, int64_t negatives, double subsample) {
  ContextSampling c;
  c.window = window;
  c.negatives = negatives;
  c.subsample = subsample;
  return c;
}

// The context words of row `row` (slot 0 of every slot with weight 1), in slot order.
std::vector<int32_t> contexts(const ContextBatch& b, int64_t row) {
  const int64_t slots = b.candidates.dim(1), samples = b.candidates.dim(2);
  std::vector<int32_t> words;
  for (int64_t s = 0; s < slots; ++s) {
    if (b.weights.data<float>()[row * slots + s] != 0.0f) {
      words.push_back(b.candidates.data<int32_t>()[(row * slots + s) * samples]);
    }
  }
  return words;
}

// Window 1: the nearest kept word on each side, never across <eos>/<bos>; <unk> is skipped.
TEST(ContextSampler, ContextsStayInTheLineAndSkipUnknownWords) {
  //                               0     1  2  3     4  5     6  7  8
  const TokenSequence text = text_of({kBos, 4, 5, kUnk, 6, kEos, 7, 8, kEos});
  const ContextSampler sampler(config_of(1, 2, 0.0), text, 9, 1);
  const ContextBatch b = sampler.batch(text, {0, 1, 2, 4, 6, 8}, 0, DType::F32);
  EXPECT_EQ(contexts(b, 0), std::vector<int32_t>{});  // <bos> is no centre
  EXPECT_EQ(contexts(b, 1), std::vector<int32_t>{5});
  EXPECT_EQ(contexts(b, 2), (std::vector<int32_t>{4, 6}));
  EXPECT_EQ(contexts(b, 3), std::vector<int32_t>{5});
  EXPECT_EQ(contexts(b, 4), std::vector<int32_t>{8});
  EXPECT_EQ(contexts(b, 5), std::vector<int32_t>{});
  EXPECT_EQ(b.pairs, 5);
  EXPECT_EQ(b.centres.to_vector<int32_t>(), (std::vector<int32_t>{kBos, 4, 5, 6, 7, kEos}));
}

// A centre's row depends on its text position and the epoch only: whatever else is in the batch
// (so N ranks draw what 1 rank draws), and anew in another epoch.
TEST(ContextSampler, DrawsAreKeyedByTextPositionAndEpoch) {
  std::vector<int32_t> ids;
  for (int32_t i = 0; i < 400; ++i)
    ids.push_back(4 + (i * 7) % 23);
  const TokenSequence text = text_of(ids);
  const ContextSampler sampler(config_of(5, 3, 1e-2), text, 27, 1);
  const ContextBatch many = sampler.batch(text, {10, 50, 200}, 3, DType::F32);
  const ContextBatch alone = sampler.batch(text, {200}, 3, DType::F32);
  const int64_t row = alone.candidates.numel();
  const std::vector<int32_t> all = many.candidates.to_vector<int32_t>();
  EXPECT_EQ(std::vector<int32_t>(all.begin() + 2 * row, all.end()),
            alone.candidates.to_vector<int32_t>());
  int64_t differ = 0;
  for (int32_t epoch = 0; epoch < 2; ++epoch) {
    differ += sampler.batch(text, {200}, epoch, DType::F32).candidates.to_vector<int32_t>() !=
              alone.candidates.to_vector<int32_t>();
  }
  EXPECT_EQ(differ, 2);
}

// Noise words follow count^0.75: word 4 occurs 16 times as often as word 5, so it is drawn 8
// times as often; special tokens are never drawn.
TEST(ContextSampler, NoiseWordsFollowTheUnigramDistributionToThePower) {
  std::vector<int32_t> ids = {kBos};
  for (int32_t i = 0; i < 170; ++i)
    ids.push_back(i % 17 == 0 ? 5 : 4);
  ids.push_back(kEos);
  const TokenSequence text = text_of(ids);
  const ContextSampler sampler(config_of(2, 20, 0.0), text, 6, 7);
  std::vector<int64_t> centres;
  for (int64_t i = 1; i <= 170; ++i)
    centres.push_back(i);
  std::map<int32_t, double> drawn;
  for (int32_t epoch = 0; epoch < 10; ++epoch) {
    const ContextBatch b = sampler.batch(text, centres, epoch, DType::F32);
    const int64_t samples = b.candidates.dim(2);
    for (int64_t k = 0; k < b.candidates.numel(); ++k) {
      if (k % samples != 0 && b.weights.data<float>()[k / samples] != 0.0f) {
        drawn[b.candidates.data<int32_t>()[k]] += 1;
      }
    }
  }
  ASSERT_EQ(drawn.size(), 2u);
  EXPECT_NEAR(drawn[4] / drawn[5], std::pow(160.0 / 10.0, 0.75), 0.5);
}

// word2vec's keep probability (sqrt(f / s) + 1) s / f, f the word's count over all words' and s
// the subsampling threshold; words rarer than s are always kept.
TEST(ContextSampler, SubsamplingKeepsWordsByWord2vecsFormula) {
  std::vector<int32_t> ids = {kBos};
  for (int32_t i = 0; i < 1000; ++i)
    ids.push_back(i < 900 ? 4 : i < 999 ? 5 : 6);
  ids.push_back(kEos);
  const TokenSequence text = text_of(ids);
  const ContextSampler sampler(config_of(2, 1, 0.01), text, 7, 1);
  const double s = 0.01 * 1000;
  EXPECT_NEAR(sampler.keep_probability(4), (std::sqrt(900 / s) + 1) * s / 900, 1e-12);
  EXPECT_NEAR(sampler.keep_probability(5), (std::sqrt(99 / s) + 1) * s / 99, 1e-12);
  EXPECT_EQ(sampler.keep_probability(6), 1.0);
  EXPECT_EQ(ContextSampler(config_of(2, 1, 0.0), text, 7, 1).keep_probability(4), 1.0);
}

TEST(ContextSampler, ATextWithoutWordsIsRefused) {
  const TokenSequence text = text_of({kBos, kEos});
  EXPECT_THROW(ContextSampler(config_of(2, 1, 0.0), text, 4, 1), Error);
}

// The whole model in f64: both tables get the gradients of the fused loss through the lookups,
// with repeated words among centres, contexts and noise.
TEST(SkipGramGradcheck, BothTablesOverABatchWithEmptySlots) {
  std::vector<int32_t> ids = {kBos};
  for (int32_t i = 0; i < 30; ++i)
    ids.push_back(4 + (i * 5) % 7);
  ids.push_back(kEos);
  const TokenSequence text = text_of(ids);
  SkipGramConfig config;
  config.embedding_size = 3;
  config.sampling = config_of(2, 2, 0.0);
  ParameterStore store;
  SkipGram model(config, 11, store);
  store.materialize(DType::F64, 3);
  // Output vectors start at zero: give them values, or the check would see one point only.
  Var context = store.find("context/weight")->var();
  context.mutable_value().copy_from(random_tensor({11, 3}, 4));
  const ContextBatch b =
      ContextSampler(config.sampling, text, 11, 1).batch(text, {0, 3, 5, 30}, 2, DType::F64);
  ASSERT_GT(b.pairs, 0);
  std::vector<Var> params;
  for (const auto& p : store.parameters())
    params.push_back(p->var());
  expect_gradients_match(
      [&](Tape& tape, const std::vector<Var>&) {
        return std::vector<Var>{model.loss(tape, b, 0.0).loss};
      },
      params);
}

TEST(WordTable, NearestWordsByCosineLeaveOutTheWordAndSpecialTokens) {
  const Vocab vocab =
      Vocab::from_tokens({"<pad>", "<unk>", "<bos>", "<eos>", "king", "queen", "bread", "kings"},
                         TokenizerType::Word, false);
  const WordTable table{vocab, Tensor::from_vector<float>({1, 1, 1, 1, 1, 1, 1, 1,  // specials
                                                           2, 0, 0.2f, 0.1f, 0, 1,  // king..
                                                           4, 0.2f},                // kings
                                                          {8, 2})};
  const std::vector<Neighbour> nearest = nearest_words(table, vocab.id("king"), 2);
  ASSERT_EQ(nearest.size(), 2u);
  EXPECT_EQ(nearest[0].word, "kings");
  EXPECT_NEAR(nearest[0].cosine, 4 / std::sqrt(16.04), 1e-6);
  EXPECT_EQ(nearest[1].word, "queen");
  EXPECT_NEAR(nearest[1].cosine, 0.2 / std::sqrt(0.05), 1e-6);
  EXPECT_EQ(nearest_words(table, vocab.id("king"), 100).size(), 3u);
  EXPECT_THROW(nearest_words(table, Vocab::kUnk, 2), Error);
}

}  // namespace
}  // namespace recur::test
