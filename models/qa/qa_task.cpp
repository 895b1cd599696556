#include "qa/qa_task.h"

#include <algorithm>
#include <numeric>

#include "autograd/ops/loss.h"
#include "core/rng.h"
#include "train/micro_batches.h"

namespace recur {

namespace {

std::vector<const QaItem*> items_at(const QaSplit& split, const std::vector<int64_t>& indices) {
  std::vector<const QaItem*> items;
  for (int64_t i : indices)
    items.push_back(&split.items[static_cast<size_t>(i)]);
  return items;
}

// Questions answered right: the argmax of each row of logits (B, V) against the answers.
double count_correct(const Tensor& logits, const Tensor& answers) {
  const Tensor host = logits.on(Device::cpu()).to(DType::F64);
  const int64_t rows = host.dim(0), cols = host.dim(1);
  double correct = 0;
  for (int64_t r = 0; r < rows; ++r) {
    const double* row = host.data<double>() + r * cols;
    correct += std::max_element(row, row + cols) - row == answers.data<int32_t>()[r];
  }
  return correct;
}

}  // namespace

QaScores score_qa(const QaModel& model, const QaSplit& split, int64_t batch_size,
                  Communicator& comm) {
  std::vector<int64_t> mine;
  for (int64_t i = comm.rank(); i < split.size(); i += comm.world_size())
    mine.push_back(i);
  QaScores scores;
  for (size_t first = 0; first < mine.size(); first += static_cast<size_t>(batch_size)) {
    const std::vector<int64_t> part(
        mine.begin() + static_cast<std::ptrdiff_t>(first),
        mine.begin() + static_cast<std::ptrdiff_t>(std::min(mine.size(), first + batch_size)));
    const QaBatch batch = make_qa_batch(items_at(split, part));
    Tape tape(false);
    const QaModel::Output out = model.forward(ForwardContext::for_inference(tape, 0), batch);
    scores.loss += LossTotals::of(cross_entropy(tape, out.logits, batch.answers, {}));
    scores.accuracy.correct += count_correct(out.logits.value(), batch.answers);
    scores.accuracy.total += static_cast<double>(part.size());
  }
  Tensor counts =
      Tensor::from_vector<double>({scores.accuracy.correct, scores.accuracy.total}, {2});
  comm.all_reduce(counts, ReduceOp::Sum, "all-reduce of the accuracy");
  scores.accuracy = {counts.data<double>()[0], counts.data<double>()[1]};
  return scores;
}

QaTask::QaTask(const QaModel& model, const QaData& data, const TrainingConfig& training,
               const ValidationConfig& validation, Communicator& comm)
    : model_(model),
      data_(data),
      training_(training),
      validation_(validation),
      comm_(comm),
      steps_per_epoch_(data.train.size() / training.batch_size) {
  RECUR_CHECK(steps_per_epoch_ > 0, "training.batch_size (", training.batch_size,
              ") is larger than the training stories' ", data.train.size(), " questions");
  RECUR_CHECK(training.batch_size % comm.world_size() == 0, "training.batch_size (",
              training.batch_size, ") must divide by the number of ranks (", comm.world_size(),
              ")");
  const int64_t per_rank = training.batch_size / comm.world_size();
  RECUR_CHECK(per_rank % training.accumulate == 0, "training.batch_size / ranks (", per_rank,
              ") must divide by training.accumulate (", training.accumulate, ")");
  shard_ = {comm.rank() * per_rank, per_rank};
}

std::vector<int64_t> QaTask::batch_of(int64_t step) {
  const int64_t epoch = (step - 1) / steps_per_epoch_;
  if (epoch != order_epoch_) {
    // Fisher-Yates with draws keyed by (seed, epoch): every rank, and a resumed run, shuffles
    // alike.
    const RandomStream draws(static_cast<uint64_t>(training_.seed), RngPurpose::Data,
                             static_cast<uint64_t>(epoch));
    order_.resize(static_cast<size_t>(data_.train.size()));
    std::iota(order_.begin(), order_.end(), 0);
    for (auto i = static_cast<int64_t>(order_.size()) - 1; i > 0; --i) {
      const auto j = static_cast<int64_t>(draws.uniform_f64(0, static_cast<uint64_t>(i)) *
                                          static_cast<double>(i + 1));
      std::swap(order_[static_cast<size_t>(i)], order_[static_cast<size_t>(j)]);
    }
    order_epoch_ = epoch;
  }
  const int64_t first = ((step - 1) % steps_per_epoch_) * training_.batch_size;
  return {order_.begin() + first, order_.begin() + first + training_.batch_size};
}

StepLoss QaTask::train_step(int64_t step, GradientSync& sync) {
  last_step_ = step;
  const std::vector<int64_t> global = batch_of(step);
  const int64_t per_micro = shard_.count / training_.accumulate;
  std::vector<QaBatch> batches;
  std::vector<MicroBatch> micro_batches;
  for (int64_t m = 0; m < training_.accumulate; ++m) {
    const auto first = global.begin() + shard_.first + m * per_micro;
    batches.push_back(make_qa_batch(items_at(data_.train, {first, first + per_micro})));
    digest_.add(batches.back().fact_words);
    digest_.add(batches.back().question);
    digest_.add(batches.back().answers);
    micro_batches.push_back({shard_.first + m * per_micro, per_micro});
  }
  return train_micro_batches(
      micro_batches, static_cast<uint64_t>(training_.seed), step, comm_, sync,
      [&](const ForwardContext& ctx, size_t m, double global_answers) -> MicroBatchLoss {
        const QaModel::Output out = model_.forward(ctx, batches[m]);
        CrossEntropyResult ce =
            cross_entropy(ctx.tape, out.logits, batches[m].answers, {-1, 0.0, global_answers});
        return {ce.loss, StepLoss::of(ce)};
      });
}

double QaTask::epochs_done() const {
  return static_cast<double>(last_step_) / static_cast<double>(steps_per_epoch_);
}

Validation QaTask::validate() {
  const QaScores s = score_qa(model_, data_.valid, validation_.batch_size, comm_);
  return {s.loss, s.accuracy.percent(), "accuracy"};
}

void QaTask::describe_state(StateVisitor& v) {
  v.section("data", [&](StateVisitor& d) {
    describe_data_hash(d, data_.train_hash(),
                       "data.train: the training stories differ from the ones the checkpoint was "
                       "trained on; resume needs the same data");
  });
}

}  // namespace recur
