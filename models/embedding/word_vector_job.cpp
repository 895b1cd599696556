#include "embedding/word_vector_job.h"

#include "core/log.h"
#include "embedding/word_vector_task.h"
#include "registry.h"

namespace recur {

void WordVectorJob::build(ParameterStore& store) {
  const int64_t vocab = data_->vocab.size();
  model_ = model_as<WordVectorModel>(config_->model_type().build(*config_, {vocab, vocab}, store));
}

std::unique_ptr<TrainingTask> WordVectorJob::task(const ExperimentConfig& config,
                                                  Communicator& comm) {
  return std::make_unique<WordVectorTask>(*model_, *data_, config.training, comm, DType::F32);
}

ModelJob::Figures WordVectorJob::evaluate_test(const ExperimentConfig&, Communicator& comm,
                                               TrainingTask& task) {
  if (data_->test.size() == 0) return {};
  const LossTotals test =
      sum_over_ranks(comm, static_cast<WordVectorTask&>(task).evaluate(data_->test),
                     "all-reduce of the test loss");
  log::info("test (final model): negative-sampling loss ", test.loss(), " over ", test.tokens,
            " pairs");
  return {{"loss", test.loss()}, {"pairs", test.tokens}};
}

}  // namespace recur
