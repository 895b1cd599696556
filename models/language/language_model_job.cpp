#include "language/language_model_job.h"

#include "core/log.h"
#include "language/language_model_file.h"
#include "language/language_model_task.h"
#include "lstm_lm/lstm_lm_config.h"

namespace recur {

void LanguageModelJob::build(ParameterStore& store) {
  model_ = make_language_model(*config_, data_->vocab.size(), store);
}

std::unique_ptr<TrainingTask> LanguageModelJob::task(const ExperimentConfig& config,
                                                     Communicator& comm) {
  return std::make_unique<LanguageModelTask>(*model_, *data_, config.training, config.validation,
                                             comm, DType::F32);
}

bool LanguageModelJob::shows_bits_per_char() const {
  return config_->data.as<LanguageModelDataConfig>().tokenizer == TokenizerType::Char;
}

std::vector<ModelJob::PretrainedEmbedding> LanguageModelJob::pretrained_embeddings() const {
  const auto* recurrent = config_->model.get_if<LstmLmConfig>();
  if (recurrent == nullptr || recurrent->pretrained_embeddings.empty()) return {};
  return {{"embedding/weight", &data_->vocab, recurrent->pretrained_embeddings}};
}

ModelJob::Figures LanguageModelJob::evaluate_test(const ExperimentConfig& config,
                                                  Communicator& comm, TrainingTask& task) {
  if (data_->test.size() == 0) return {};
  const auto& lm = static_cast<LanguageModelTask&>(task);
  auto evaluate = [&](bool reset_each_window) {
    return sum_over_ranks(comm,
                          lm.evaluate(data_->test, config.validation.batch_size, reset_each_window),
                          "all-reduce of the test loss");
  };
  // Windows with reset state are what a transformer sees: the fair comparison of the families.
  const LossTotals windows = evaluate(true);
  Figures figures = {{"loss_windows", windows.loss()},
                     {"ppl_windows", windows.perplexity()},
                     {"bpc_windows", windows.bits_per_char()}};
  if (model_->state_layers() == 0) {
    log::info("test (final model, windows): loss ", windows.loss(), " | ppl ", windows.perplexity(),
              " | bpc ", windows.bits_per_char());
    return figures;
  }
  const LossTotals stateful = evaluate(false);
  log::info("test (final model): loss ", stateful.loss(), " | ppl ", stateful.perplexity(),
            " | bpc ", stateful.bits_per_char(), " | with the state reset in every window: loss ",
            windows.loss(), " | ppl ", windows.perplexity(), " | bpc ", windows.bits_per_char());
  figures.insert(figures.begin(), {{"loss", stateful.loss()},
                                   {"ppl", stateful.perplexity()},
                                   {"bpc", stateful.bits_per_char()}});
  return figures;
}

}  // namespace recur
