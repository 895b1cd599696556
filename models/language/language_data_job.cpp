#include "language/language_data_job.h"

#include "core/log.h"
#include "model_io.h"

namespace recur {

namespace {

std::string prepared_folder(const LanguageModelDataConfig& data,
                            const std::filesystem::path& run_dir) {
  return data.prepared.empty() ? (run_dir / "prepared").string() : data.prepared;
}

}  // namespace

std::string LanguageDataJob::prepare_data(const ExperimentConfig& config,
                                          const std::filesystem::path& run_dir, bool verify,
                                          Communicator& comm) {
  const auto& data_config = config.data.as<LanguageModelDataConfig>();
  return prepare_language_data(data_config, nullptr, prepared_folder(data_config, run_dir), verify,
                               &comm);
}

void LanguageDataJob::prepare(const ExperimentConfig& config, Communicator& comm,
                              const std::filesystem::path& run_dir, const RunIdentity* identity) {
  const auto& data_config = config.data.as<LanguageModelDataConfig>();
  config_ = config;
  const std::string folder = prepared_folder(data_config, run_dir);
  // Rank 0 prepares the token stores (a resumed run with its checkpoint's vocabulary) while the
  // others wait; then every rank maps them.
  if (comm.is_root()) {
    const std::optional<Vocab> vocab =
        identity != nullptr ? std::optional<Vocab>(vocab_of(*identity)) : std::nullopt;
    log::info("data: ",
              prepare_language_data(data_config, vocab ? &*vocab : nullptr, folder, false));
  }
  comm.barrier_untimed();  // preparing may take longer than a collective may
  data_ = LanguageModelData::open(data_config, folder);
  if (comm.is_root()) data_->vocab.save((run_dir / "vocab.txt").string());
}

RunIdentity LanguageDataJob::identity(ExperimentConfig& config) const {
  return run_identity(config, data_->vocab);
}

}  // namespace recur
