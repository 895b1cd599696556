#include "lstm_lm/lm_job.h"

#include "core/log.h"
#include "lstm_lm/lm_task.h"
#include "model_io.h"

namespace recur {

void LmJob::prepare(const ExperimentConfig& config, Communicator& comm,
                    const std::filesystem::path& run_dir, const TrainingState* identity) {
  const std::string vocab_file = (run_dir / "vocab.txt").string();
  LmDataConfig data_config = config.data;
  config_ = config.lstm_lm;
  if (identity != nullptr) {
    const Vocab vocab = vocab_of(*identity);
    data_ = LmData::load(data_config, &vocab);
    if (comm.is_root()) data_->vocab.save(vocab_file);
    return;
  }
  // Rank 0 builds the vocabulary; the other ranks read the file it saves, so all use the same.
  if (comm.is_root()) {
    data_ = LmData::load(data_config);
    data_->vocab.save(vocab_file);
    comm.barrier();
    return;
  }
  comm.barrier();
  data_config.vocab = vocab_file;
  data_ = LmData::load(data_config);
}

void LmJob::build(ParameterStore& store) {
  model_ = std::make_unique<LstmLm>(*config_, data_->vocab.size(), store);
}

std::unique_ptr<TrainingTask> LmJob::task(const ExperimentConfig& config, Communicator& comm) {
  return std::make_unique<LmTask>(*model_, *data_, config.training, config.validation, comm,
                                  DType::F32);
}

TrainingState LmJob::identity(ExperimentConfig& config) const {
  return run_identity(config, data_->vocab);
}

void LmJob::evaluate_test(const ExperimentConfig& config, Communicator& comm, TrainingTask& task) {
  if (data_->test.size() == 0) return;
  const LossTotals local =
      static_cast<LmTask&>(task).evaluate(data_->test, config.validation.batch_size);
  Tensor sums = Tensor::from_vector<double>({local.nll, local.tokens, local.chars}, {3});
  comm.all_reduce(sums, ReduceOp::Sum, "all-reduce of the test loss");
  const LossTotals test{sums.item(0), sums.item(1), sums.item(2)};
  log::info("test (final model): loss ", test.loss(), " | ppl ", test.perplexity(), " | bpc ",
            test.bits_per_char());
}

}  // namespace recur
