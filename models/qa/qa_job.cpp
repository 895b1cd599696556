#include "qa/qa_job.h"

#include "core/log.h"
#include "model_io.h"
#include "qa/qa_model_file.h"
#include "qa/qa_task.h"

namespace recur {

void QaJob::prepare(const ExperimentConfig& config, Communicator& comm,
                    const std::filesystem::path& run_dir, const RunIdentity* identity) {
  config_ = config;
  const auto& data_config = config.data.as<QaDataConfig>();
  const std::optional<Vocab> vocab =
      identity != nullptr ? std::optional<Vocab>(vocab_of(*identity)) : std::nullopt;
  data_ = QaData::read(data_config, vocab ? &*vocab : nullptr);
  log::info("data: vocabulary ", data_->vocab.size(), " (word), train ", data_->train.size(),
            " questions, valid ", data_->valid.size(), ", test ", data_->test.size());
  if (comm.is_root()) data_->vocab.save((run_dir / "vocab.txt").string());
}

std::string QaJob::prepare_data(const ExperimentConfig& config, const std::filesystem::path&, bool,
                                Communicator&) {
  const QaData data = QaData::read(config.data.as<QaDataConfig>());
  return concat("the story files need no preparing: they are read at the start of training (",
                data.train.size(), " training questions)");
}

void QaJob::build(ParameterStore& store) {
  model_ = make_qa_model(*config_, data_->vocab.size(), store);
}

std::unique_ptr<TrainingTask> QaJob::task(const ExperimentConfig& config, Communicator& comm) {
  return std::make_unique<QaTask>(*model_, *data_, config.training, config.validation, comm);
}

RunIdentity QaJob::identity(ExperimentConfig& config) const {
  return run_identity(config, data_->vocab);
}

ModelJob::Figures QaJob::evaluate_test(const ExperimentConfig& config, Communicator& comm,
                                       TrainingTask&) {
  if (data_->test.size() == 0) return {};
  const QaScores s = score_qa(*model_, data_->test, config.validation.batch_size, comm);
  const LossTotals loss = sum_over_ranks(comm, s.loss, "all-reduce of the test loss");
  log::info("test (final model): accuracy ", log::fixed(s.accuracy.percent(), 2), "% of ",
            s.accuracy.total, " questions | loss ", log::fixed(loss.loss(), 4));
  return {{"accuracy", s.accuracy.percent()}, {"loss", loss.loss()}};
}

}  // namespace recur
