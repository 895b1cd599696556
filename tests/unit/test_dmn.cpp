// The Dynamic Memory Network: its batches, and f64 gradient checks of the attention gates, the
// memory update and the whole model over a padded batch of stories of different lengths.
#include "dmn/dmn.h"
#include "qa/qa_batch.h"
#include "test_util.h"

namespace recur::test {
namespace {

// Three stories of 3, 1 and 2 facts over ids 4..9, questions of 3, 2 and 4 words.
std::vector<QaItem> tiny_stories() {
  return {{{{4, 5, 6}, {7, 8}, {9, 4, 5, 6}}, {4, 5, 9}, 6},
          {{{8, 9}}, {5, 7}, 8},
          {{{6, 7, 8, 9, 4}, {5}}, {9, 8, 7, 6}, 4}};
}

QaBatch tiny_batch(const std::vector<QaItem>& items) {
  return make_qa_batch({&items[0], &items[1], &items[2]});
}

TEST(QaBatch, PadsFactsWordsAndQuestions) {
  const std::vector<QaItem> items = tiny_stories();
  const QaBatch b = tiny_batch(items);
  EXPECT_EQ(b.stories, 3);
  EXPECT_EQ(b.max_facts, 3);
  EXPECT_EQ(b.fact_words.shape(), Shape({5, 9}));  // the longest fact has 5 words
  EXPECT_EQ(b.fact_lengths.to_vector<int32_t>(),
            (std::vector<int32_t>{3, 2, 4, 2, 1, 1, 5, 1, 1}));  // padding facts read one <pad>
  EXPECT_EQ(b.facts.to_vector<int32_t>(), (std::vector<int32_t>{3, 1, 2}));
  EXPECT_EQ(b.question.shape(), Shape({4, 3}));
  EXPECT_EQ(b.question_lengths.to_vector<int32_t>(), (std::vector<int32_t>{3, 2, 4}));
  EXPECT_EQ(b.answers.to_vector<int32_t>(), (std::vector<int32_t>{6, 8, 4}));
  EXPECT_EQ(b.story_of_fact.to_vector<int32_t>(),
            (std::vector<int32_t>{0, 0, 0, 1, 1, 1, 2, 2, 2}));
  // Fact 1 of story 0 ("7 8") in column 1, time-major, <pad> after it.
  const std::vector<int32_t> words = b.fact_words.to_vector<int32_t>();
  EXPECT_EQ(words[0 * 9 + 1], 7);
  EXPECT_EQ(words[1 * 9 + 1], 8);
  EXPECT_EQ(words[2 * 9 + 1], Vocab::kPad);
}

DmnConfig tiny_config() {
  DmnConfig c;
  c.embedding_size = 3;
  c.hidden_size = 4;
  c.passes = 2;
  c.dropout = 0.0;
  return c;
}

std::vector<Var> parameters_of(ParameterStore& store) {
  std::vector<Var> params;
  for (const auto& p : store.parameters())
    params.push_back(p->var());
  return params;
}

// The gates and their context: gradients reach the facts, the question, the memory and the gate
// layers; padding facts get none of the attention.
TEST(DmnGradcheck, AttentionGatesOverPaddedFacts) {
  ParameterStore store;
  Dmn model(tiny_config(), 10, store);
  store.materialize(DType::F64, 2);
  const std::vector<QaItem> items = tiny_stories();
  const QaBatch batch = tiny_batch(items);
  const Var facts = random_var({3, 3, 4}, 20), q = random_var({3, 4}, 21),
            m = random_var({3, 4}, 22);
  std::vector<Var> inputs = {facts, q, m};
  for (const char* path :
       {"memory/gate_hidden/weight", "memory/gate_hidden/bias", "memory/gate_score"})
    inputs.push_back(store.find(path)->var());
  expect_gradients_match(
      [&](Tape& tape, const std::vector<Var>& in) {
        return std::vector<Var>{model.episode(tape, in[0], in[1], in[2], batch).context};
      },
      inputs);
  Tape tape(false);
  const Tensor gates = model.episode(tape, facts, q, m, batch).gates;
  EXPECT_EQ(gates.to_vector<double>()[1 * 3 + 1], 0.0);  // story 1 has one fact
  EXPECT_EQ(gates.to_vector<double>()[1 * 3 + 0], 1.0);
}

TEST(DmnGradcheck, MemoryUpdate) {
  ParameterStore store;
  Dmn model(tiny_config(), 10, store);
  store.materialize(DType::F64, 3);
  std::vector<Var> inputs = {random_var({3, 4}, 23), random_var({3, 4}, 24),
                             random_var({3, 4}, 25)};
  inputs.push_back(store.find("memory/update1/weight")->var());
  inputs.push_back(store.find("memory/update1/bias")->var());
  expect_gradients_match(
      [&](Tape& tape, const std::vector<Var>& in) {
        return std::vector<Var>{model.update_memory(tape, 1, in[0], in[1], in[2])};
      },
      inputs);
}

// Every parameter, through the input module (word GRU, fusion), the question, two episodes and
// the answer, with the cross-entropy of the answers; dropout on.
TEST(DmnGradcheck, WholeModelOverAPaddedBatch) {
  DmnConfig config = tiny_config();
  config.dropout = 0.2;
  ParameterStore store;
  Dmn model(config, 10, store);
  store.materialize(DType::F64, 4);
  const std::vector<QaItem> items = tiny_stories();
  const QaBatch batch = tiny_batch(items);
  expect_gradients_match(
      [&](Tape& tape, const std::vector<Var>&) {
        const Var logits = model.forward(ForwardContext::for_training(tape, 1, 2, 0), batch).logits;
        return std::vector<Var>{cross_entropy(tape, logits, batch.answers, {}).loss};
      },
      parameters_of(store));
}

// A story's answer does not depend on the other stories of its batch, nor on their padding.
TEST(Dmn, AStoryAloneGetsTheSameAnswerAsInAPaddedBatch) {
  ParameterStore store;
  Dmn model(tiny_config(), 10, store);
  store.materialize(DType::F64, 5);
  const std::vector<QaItem> items = tiny_stories();
  Tape tape(false);
  const Tensor together =
      model.forward(ForwardContext::for_inference(tape), tiny_batch(items)).logits.value();
  const Tensor alone =
      model.forward(ForwardContext::for_inference(tape), make_qa_batch({&items[1]})).logits.value();
  const std::vector<double> all = together.to_vector<double>(), one = alone.to_vector<double>();
  for (size_t v = 0; v < one.size(); ++v)
    EXPECT_NEAR(all[one.size() + v], one[v], 1e-12);
}

// passes: 0 is the question-only baseline: other facts, the same answer.
TEST(Dmn, NoPassesAnswersFromTheQuestionAlone) {
  DmnConfig config = tiny_config();
  config.passes = 0;
  ParameterStore store;
  Dmn model(config, 10, store);
  store.materialize(DType::F64, 6);
  std::vector<QaItem> items = tiny_stories();
  Tape tape(false);
  const Tensor before =
      model.forward(ForwardContext::for_inference(tape), tiny_batch(items)).logits.value();
  items[0].facts = {{9, 9}, {8}};
  const Tensor after =
      model.forward(ForwardContext::for_inference(tape), tiny_batch(items)).logits.value();
  EXPECT_EQ(before.to_vector<double>(), after.to_vector<double>());
}

}  // namespace
}  // namespace recur::test
