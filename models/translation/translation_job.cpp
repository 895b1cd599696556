#include "translation/translation_job.h"

#include "core/log.h"
#include "core/threads.h"
#include "model_io.h"
#include "registry.h"
#include "seq2seq/seq2seq_config.h"
#include "translation/translation_model_file.h"
#include "translation/translation_task.h"

namespace recur {

namespace {

std::string prepared_folder(const TranslationDataConfig& data,
                            const std::filesystem::path& run_dir) {
  return data.prepared.empty() ? (run_dir / "prepared").string() : data.prepared;
}

}  // namespace

void TranslationJob::prepare(const ExperimentConfig& config, Communicator& comm,
                             const std::filesystem::path& run_dir, const RunIdentity* identity) {
  const auto& data_config = config.data.as<TranslationDataConfig>();
  config_ = config;
  const std::string folder = prepared_folder(data_config, run_dir);
  // Rank 0 prepares the token stores (a resumed run with its checkpoint's tokenisers and
  // vocabularies) while the others wait; then every rank maps them.
  if (comm.is_root()) {
    const std::optional<TranslationData> given =
        identity != nullptr ? std::optional(TranslationData::from_identity(*identity))
                            : std::nullopt;
    log::info("data: ", prepare_translation_data(data_config, given ? &*given : nullptr, folder,
                                                 num_threads(), false));
  }
  comm.barrier_untimed();  // preparing (training subword models) may take longer than a collective
  data_ = TranslationData::open(data_config, folder);
}

std::string TranslationJob::prepare_data(const ExperimentConfig& config,
                                         const std::filesystem::path& run_dir, bool verify,
                                         Communicator& comm) {
  const auto& data_config = config.data.as<TranslationDataConfig>();
  return prepare_translation_data(data_config, nullptr, prepared_folder(data_config, run_dir),
                                  num_threads(), verify, &comm);
}

void TranslationJob::build(ParameterStore& store) {
  model_ = make_translation_model(*config_, data_->source_vocab.size(), data_->target_vocab.size(),
                                  store);
}

std::unique_ptr<TrainingTask> TranslationJob::task(const ExperimentConfig& config,
                                                   Communicator& comm) {
  return std::make_unique<TranslationTask>(*model_, *data_, config, comm);
}

std::vector<ModelJob::PretrainedEmbedding> TranslationJob::pretrained_embeddings() const {
  const auto* recurrent = config_->model.get_if<Seq2SeqConfig>();
  if (recurrent == nullptr) return {};
  std::vector<PretrainedEmbedding> out;
  if (!recurrent->source_pretrained_embeddings.empty()) {
    out.push_back(
        {"source_embedding/weight", &data_->source_vocab, recurrent->source_pretrained_embeddings});
  }
  if (!recurrent->target_pretrained_embeddings.empty()) {
    out.push_back(
        {"target_embedding/weight", &data_->target_vocab, recurrent->target_pretrained_embeddings});
  }
  return out;
}

RunIdentity TranslationJob::identity(ExperimentConfig& config) const {
  return run_identity(config, data_->target_vocab, data_->identity_extra());
}

ModelJob::Figures TranslationJob::evaluate_test(const ExperimentConfig& config, Communicator& comm,
                                                TrainingTask& task) {
  if (data_->test.size() == 0) return {};
  auto& t = static_cast<TranslationTask&>(task);
  const LossTotals loss = sum_over_ranks(comm, t.loss(data_->test), "all-reduce of the test loss");
  SearchOptions options;
  options.max_length_ratio = config.decoding.max_length_ratio;
  options.length_penalty = config.decoding.length_penalty;
  const TranslationTask::Scores greedy = t.scores(data_->test, data_->test_references, 0, options);
  options.beam = config.decoding.beam_size;
  const TranslationTask::Scores beam = t.scores(data_->test, data_->test_references, 0, options);
  log::info("test (final model): loss ", log::fixed(loss.loss(), 4), " | BLEU greedy ",
            log::fixed(greedy.bleu, 2), " | BLEU beam ", options.beam, " ",
            log::fixed(beam.bleu, 2), " | chrF beam ", log::fixed(beam.chrf, 2));
  return {{"loss", loss.loss()},
          {"bleu_greedy", greedy.bleu},
          {"bleu_beam", beam.bleu},
          {"chrf_greedy", greedy.chrf},
          {"chrf_beam", beam.chrf}};
}

}  // namespace recur
