// The MPI communicator and the gradient reducer, on real ranks (run under mpirun).
#include <algorithm>
#include <cmath>
#include <thread>

#include "autograd/ops/elementwise.h"
#include "autograd/ops/loss.h"
#include "autograd/ops/reduce.h"
#include "dist/gradient_reducer.h"
#include "language/language_model_task.h"
#include "lstm_lm/lstm_lm.h"
#include "mpi_env.h"
#include "test_util.h"

namespace recur::test {
namespace {

TEST(MpiCommunicator, RanksAndDescription) {
  ASSERT_GE(comm().world_size(), 2) << "run this binary with mpirun -n 2 or more";
  EXPECT_GE(comm().rank(), 0);
  EXPECT_LT(comm().rank(), comm().world_size());
  EXPECT_EQ(comm().local_size(), comm().world_size());  // one node
  EXPECT_NE(comm().description().find("MPI"), std::string::npos);
}

TEST(MpiCommunicator, AllReduceSumAndAverage) {
  const int n = comm().world_size(), r = comm().rank();
  Tensor f = Tensor::from_vector<float>({1.0f * static_cast<float>(r), 2.0f, -1.0f}, {3});
  comm().all_reduce(f, ReduceOp::Sum);
  EXPECT_EQ(f.to_vector<float>(),
            (std::vector<float>{static_cast<float>(n * (n - 1) / 2), 2.0f * static_cast<float>(n),
                                -static_cast<float>(n)}));
  Tensor d = Tensor::from_vector<double>({static_cast<double>(r)}, {1});
  comm().all_reduce(d, ReduceOp::Average);
  EXPECT_DOUBLE_EQ(d.item(), (n - 1) / 2.0);
  Tensor i = Tensor::from_vector<int32_t>({r + 1}, {1});
  comm().all_reduce(i, ReduceOp::Sum);
  EXPECT_EQ(i.data<int32_t>()[0], n * (n + 1) / 2);
}

TEST(MpiCommunicator, BroadcastGatherScatterBarrier) {
  const int n = comm().world_size(), r = comm().rank();
  Tensor b = Tensor::full({4}, DType::F32, r == 1 ? 7.0 : 0.0);
  comm().broadcast(b, 1);
  EXPECT_EQ(b.to_vector<float>(), std::vector<float>(4, 7.0f));

  Tensor mine = Tensor::from_vector<int32_t>({r, 10 * r}, {2});
  Tensor all = Tensor::empty({2 * n}, DType::I32);
  comm().all_gather(mine, all);
  for (int k = 0; k < n; ++k) {
    EXPECT_EQ(all.data<int32_t>()[2 * k], k);
    EXPECT_EQ(all.data<int32_t>()[2 * k + 1], 10 * k);
  }

  std::vector<double> values(static_cast<size_t>(2 * n));
  for (size_t k = 0; k < values.size(); ++k)
    values[k] = static_cast<double>(k) + r;
  Tensor block = Tensor::empty({2}, DType::F64);
  comm().reduce_scatter(Tensor::from_vector(values, {2 * n}), block, ReduceOp::Sum);
  const double rank_sum = n * (n - 1) / 2.0;
  EXPECT_DOUBLE_EQ(block.item(0), n * (2.0 * r) + rank_sum);
  EXPECT_DOUBLE_EQ(block.item(1), n * (2.0 * r + 1) + rank_sum);
  comm().barrier();
}

TEST(MpiCommunicator, ManyCollectivesInFlightAtOnce) {
  std::vector<Tensor> tensors;
  std::vector<std::unique_ptr<PendingCollective>> pending;
  for (int k = 0; k < 16; ++k)
    tensors.push_back(Tensor::full({1000 + k}, DType::F32, k));
  for (auto& t : tensors)
    pending.push_back(comm().all_reduce_async(t, ReduceOp::Sum, "test"));
  for (auto& p : pending)
    p->wait();
  for (int k = 0; k < 16; ++k) {
    EXPECT_EQ(tensors[static_cast<size_t>(k)].item(999),
              static_cast<double>(k * comm().world_size()));
  }
}

// A small LM whose rank-dependent batch gives every rank different gradients.
struct SmallLm {
  ParameterStore store;
  std::unique_ptr<LstmLm> model;
  SmallLm() {
    LstmLmConfig c;
    c.embedding_size = 16;
    c.hidden_size = 16;
    c.layers = 2;
    model = std::make_unique<LstmLm>(c, 50, store);
    store.materialize(DType::F32, 3);
  }
  // Forward and backward of this rank's batch; `sync` sees the tape.
  void backward(GradientSync& sync) {
    const auto tag = static_cast<uint64_t>(comm().rank());
    Tensor ids = random_ids({6, 4}, 100 + tag, 50), targets = random_ids({6, 4}, 200 + tag, 50);
    store.zero_grad();
    Tape tape;
    LstmLm::Output out =
        model->forward(ForwardContext::for_training(tape, 1, 1, 0), ids, {}, Tensor());
    Var loss = cross_entropy(tape, out.logits, targets, {}).loss;
    sync.attach(tape);
    tape.backward(loss);
  }
};

TEST(GradientReducer, BucketsStartDuringBackwardAndProgressBeforeItEnds) {
  SmallLm lm;
  // Reference: this rank's gradients summed over ranks with one blocking all-reduce.
  NoGradientSync none;
  lm.backward(none);
  Tensor expected = lm.store.grads().clone();
  comm().all_reduce(expected);

  GradientReducer reducer(lm.store, comm(), 4096);  // small buckets: several of them
  ASSERT_GE(reducer.bucket_count(), 3);
  std::vector<ReducerEvent> events;
  bool first_bucket_done_before_backward_ended = false;
  const int32_t last_parameter = 0;  // embedding/weight: the last gradient backward produces
  reducer.set_observer([&](const ReducerEvent& e) {
    events.push_back(e);
    if (e.kind == ReducerEvent::Kind::GradientReady && e.index == last_parameter) {
      // Still inside backward: the communication thread must complete bucket 0 on its own.
      for (int i = 0; i < 20000 && !reducer.bucket_done(0); ++i) {
        std::this_thread::sleep_for(std::chrono::microseconds(500));
      }
      first_bucket_done_before_backward_ended = reducer.bucket_done(0);
    }
  });
  lm.backward(reducer);
  reducer.finish();

  auto position = [&](ReducerEvent::Kind kind, int32_t index) {
    for (size_t k = 0; k < events.size(); ++k) {
      if (events[k].kind == kind && events[k].index == index) return static_cast<int64_t>(k);
    }
    return int64_t{-1};
  };
  const int64_t first_start = position(ReducerEvent::Kind::BucketStarted, 0);
  const int64_t last_gradient = position(ReducerEvent::Kind::GradientReady, last_parameter);
  ASSERT_GE(first_start, 0);
  EXPECT_LT(first_start, last_gradient) << "bucket 0 must start before the last gradient exists";
  EXPECT_TRUE(first_bucket_done_before_backward_ended)
      << "non-blocking all-reduce did not progress";
  EXPECT_GT(reducer.take_comm_seconds(), 0.0);
  EXPECT_EQ(reducer.take_comm_seconds(), 0.0) << "each bucket is timed once";
  EXPECT_EQ(lm.store.grads().to_vector<float>(), expected.to_vector<float>());
}

// Rank 0 has no examples this step (its tape reports no gradients); the other ranks' gradients
// become final in the reverse of bucket order. Every rank must still start the buckets in the
// same order, or MPI would pair unrelated ranges (seen as MPI_ERR_TRUNCATE before the fix).
TEST(GradientReducer, BucketsStartInTheSameOrderWhateverOrderGradientsBecomeFinal) {
  ParameterStore store;
  std::vector<Parameter*> params;
  for (int k = 0; k < 3; ++k)
    params.push_back(store.declare(concat("p", k), {100 * (k + 1)}, Init::uniform(1.0)));
  store.materialize(DType::F32, 5);
  GradientReducer reducer(store, comm(), 1);  // one bucket per parameter: bucket b holds p(2-b)
  ASSERT_EQ(reducer.bucket_count(), 3);
  std::vector<int32_t> ready, started;
  reducer.set_observer([&](const ReducerEvent& e) {
    (e.kind == ReducerEvent::Kind::GradientReady ? ready : started).push_back(e.index);
  });
  store.zero_grad();
  if (comm().rank() > 0) {
    Tape tape;
    // Used in bucket order, so backward finalises them in reverse: p0 (bucket 2) first.
    Var loss = sum(tape, params[2]->var());
    loss = add(tape, loss, scale(tape, sum(tape, params[1]->var()), 2.0));
    loss = add(tape, loss, scale(tape, sum(tape, params[0]->var()), 3.0));
    reducer.attach(tape);
    tape.backward(loss);
    EXPECT_EQ(ready, (std::vector<int32_t>{0, 1, 2}));
  }
  reducer.finish();
  EXPECT_EQ(started, (std::vector<int32_t>{0, 1, 2}));
  const double others = comm().world_size() - 1;
  for (int k = 0; k < 3; ++k) {
    const Tensor grad = store.grads().view(params[static_cast<size_t>(k)]->offset(), {1});
    EXPECT_EQ(grad.item(), others * (3 - k)) << "p" << k;
  }
}

TEST(GradientReducer, LayoutHashesAgreeAcrossRanks) {
  SmallLm lm;
  GradientReducer reducer(lm.store, comm(), 4096);
  const std::vector<uint64_t> hashes = gather_hashes(comm(), reducer.layout_hash());
  for (uint64_t h : hashes)
    EXPECT_EQ(h, hashes[0]);
  GradientReducer other(lm.store, comm(), 1 << 20);
  EXPECT_NE(other.layout_hash(), reducer.layout_hash());
}

// The gradient reducer bug the accumulation test must catch: communicating as soon as it is
// attached, before the last micro-batch's backward has added its gradients.
class EarlyReducer final : public GradientSync {
 public:
  explicit EarlyReducer(GradientReducer& reducer) : reducer_(reducer) {}
  void attach(Tape&) override { reducer_.finish(); }

 private:
  GradientReducer& reducer_;
};

struct AccumulationRun {
  std::vector<std::vector<float>> gradients;      // after each step, summed over ranks
  std::vector<std::vector<ReducerEvent>> events;  // of each step
  int bucket_count = 0;
};

// Three steps of a small LM over 4 streams per rank in `micro_batches` pieces, the gradients
// summed by the reducer (or, `early`, by an EarlyReducer).
AccumulationRun run_accumulation(int64_t micro_batches, bool early) {
  LanguageModelDataConfig data_config;
  data_config.train = std::string(RECUR_SOURCE_DIR) + "/datasets/bible/sample/kjv.valid.txt";
  const std::string folder = (process_temp_dir("mpi-lm") / "prepared").string();
  prepare_language_data(data_config, nullptr, folder, false);
  const LanguageModelData data = LanguageModelData::open(data_config, folder);
  LstmLmConfig config;
  config.embedding_size = 8;
  config.hidden_size = 8;
  ParameterStore store;
  LstmLm model(config, data.vocab.size(), store);
  store.materialize(DType::F32, 1);
  TrainingConfig training;
  training.batch_size = 4 * comm().world_size();
  training.accumulate = micro_batches;
  training.bptt = 10;
  LanguageModelTask task(model, data, training, {}, comm(), DType::F32);
  GradientReducer reducer(store, comm(), 1024);
  EarlyReducer early_reducer(reducer);
  AccumulationRun run;
  run.bucket_count = reducer.bucket_count();
  reducer.set_observer([&](const ReducerEvent& e) { run.events.back().push_back(e); });
  for (int64_t step = 1; step <= 3; ++step) {
    run.events.emplace_back();
    store.zero_grad();
    if (early) {
      task.train_step(step, early_reducer);
    } else {
      task.train_step(step, reducer);
      reducer.finish();
    }
    run.gradients.push_back(store.grads().to_vector<float>());
  }
  return run;
}

// "" when every step's gradients agree within float rounding, else the first step that differs.
std::string gradients_differ(const AccumulationRun& run, const AccumulationRun& reference) {
  for (size_t step = 0; step < run.gradients.size(); ++step) {
    const std::vector<float>& got = run.gradients[step];
    const std::vector<float>& want = reference.gradients[step];
    float largest = 0.0f, difference = 0.0f;
    for (size_t i = 0; i < want.size(); ++i) {
      largest = std::max(largest, std::fabs(want[i]));
      difference = std::max(difference, std::fabs(got[i] - want[i]));
    }
    if (difference > 1e-5f * largest)
      return concat("step ", step + 1, ": gradients differ by ", difference, " (largest ", largest,
                    ")");
  }
  return "";
}

// "" when, in every step, no bucket started before the last micro-batch's backward (whose tape
// alone reports gradients) and each bucket started once.
std::string bucket_started_early(const AccumulationRun& run) {
  for (size_t step = 0; step < run.events.size(); ++step) {
    const std::vector<ReducerEvent>& events = run.events[step];
    const auto starts = std::count_if(events.begin(), events.end(), [](const ReducerEvent& e) {
      return e.kind == ReducerEvent::Kind::BucketStarted;
    });
    if (events.empty() || events.front().kind != ReducerEvent::Kind::GradientReady)
      return concat("step ", step + 1, ": a bucket started before any gradient was final");
    if (starts != run.bucket_count)
      return concat("step ", step + 1, ": ", starts, " bucket starts for ", run.bucket_count,
                    " buckets");
  }
  return "";
}

TEST(GradientReducer, AccumulationCommunicatesOnlyOnTheLastMicroBatch) {
  const AccumulationRun one_batch = run_accumulation(1, false);
  const AccumulationRun accumulated = run_accumulation(2, false);
  EXPECT_EQ(gradients_differ(accumulated, one_batch), "");
  EXPECT_EQ(bucket_started_early(accumulated), "");
  // Negative control: a reducer that communicates before the last micro-batch fails both checks.
  const AccumulationRun early = run_accumulation(2, true);
  EXPECT_NE(gradients_differ(early, one_batch), "");
  EXPECT_NE(bucket_started_early(early), "");
}

}  // namespace
}  // namespace recur::test
