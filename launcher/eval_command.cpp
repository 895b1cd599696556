#include <cstdio>

#include "commands.h"
#include "core/gpu.h"
#include "core/threads.h"
#include "data/scoring.h"
#include "language/language_model_data.h"
#include "language/language_model_file.h"
#include "language/language_model_task.h"
#include "registry.h"
#include "translation/translation_model_file.h"
#include "translation/translation_task.h"

namespace recur::cli {

namespace {

struct EvalArgs {
  std::string checkpoint, data, source, target, device = "cpu";
  int64_t batch_size = 0, bptt = 0, beam = 0;
  int threads = 0;
};

void score_language_model(const EvalArgs& a) {
  std::unique_ptr<LoadedLanguageModel> lm =
      load_language_model(a.checkpoint, gpu::select_device(a.device));
  const ExperimentConfig& c = lm->config;
  const auto& data = c.data.as<LanguageModelDataConfig>();
  std::string path = a.data;
  if (path.empty()) path = !data.test.empty() ? data.test : data.valid;
  RECUR_CHECK(!path.empty(),
              "no data to evaluate: pass --data (the model's config names no test or valid data)");
  const TokenSequence tokens = encode_file(path, lm->vocab);
  const int64_t streams = a.batch_size > 0 ? a.batch_size : c.validation.batch_size;
  const int64_t bptt = a.bptt > 0              ? a.bptt
                       : c.validation.bptt > 0 ? c.validation.bptt
                                               : c.training.bptt;
  // A recurrent model is also evaluated as a transformer is: each window on its own.
  const bool stateful = lm->model->state_layers() > 0;
  for (bool reset : {false, true}) {
    if (reset && !stateful) break;
    const LossTotals t =
        evaluate_language_model(*lm->model, tokens, streams, bptt, {0, streams}, DType::F32, reset);
    const std::string how = !stateful ? concat(" (windows of ", bptt, ")")
                            : reset   ? concat(" (windows of ", bptt, ", state reset in each)")
                                      : "";
    std::printf("%s: %.0f tokens | loss %.4f | ppl %.3f | bpc %.4f%s\n", path.c_str(), t.tokens,
                t.loss(), t.perplexity(), t.bits_per_char(), how.c_str());
  }
}

void score_translation_model(const EvalArgs& a) {
  std::unique_ptr<LoadedTranslationModel> s =
      load_translation_model(a.checkpoint, gpu::select_device(a.device));
  const ExperimentConfig& c = s->config;
  const auto& data = c.data.as<TranslationDataConfig>();
  const std::string source = !a.source.empty() ? a.source : data.source_test;
  const std::string target = !a.target.empty() ? a.target : data.target_test;
  RECUR_CHECK(
      !source.empty() && !target.empty(),
      "no data to evaluate: pass --source and --target (the model's config names no test data)");
  const TranslationData& v = s->vocabularies;
  std::vector<std::string> references;
  const ParallelData pairs =
      ParallelData::encode(ParallelText::read(source, target), *v.source_tokenizer, v.source_vocab,
                           *v.target_tokenizer, v.target_vocab, 0, &references);
  const LossTotals loss = translation_loss(*s->model, pairs, c.training.batch_tokens, 0, 1);
  const Translator translator(*s->model, v);
  std::vector<std::vector<int32_t>> sources;
  for (int64_t i = 0; i < pairs.size(); ++i)
    sources.push_back(pairs.source(i).to_vector());
  SearchOptions options;
  options.max_length_ratio = c.decoding.max_length_ratio;
  options.length_penalty = c.decoding.length_penalty;
  std::printf("%s -> %s: %lld sentence pairs | loss %.4f | ppl %.3f\n", source.c_str(),
              target.c_str(), static_cast<long long>(pairs.size()), loss.loss(), loss.perplexity());
  for (int64_t beam : {int64_t{1}, a.beam > 0 ? a.beam : c.decoding.beam_size}) {
    options.beam = beam;
    std::vector<std::string> hypotheses;
    int64_t exact = 0;
    for (const auto& found : translator.translate_ids(sources, options)) {
      hypotheses.push_back(found.empty() ? "" : found[0].text);
    }
    for (size_t i = 0; i < hypotheses.size(); ++i)
      exact += hypotheses[i] == references[i];
    std::printf("%s: BLEU %.2f | chrF %.2f | exact match %.2f%% (%lld of %zu)\n",
                beam == 1 ? "greedy " : concat("beam ", beam).c_str(),
                corpus_bleu(hypotheses, references), corpus_chrf(hypotheses, references),
                100.0 * static_cast<double>(exact) / static_cast<double>(hypotheses.size()),
                static_cast<long long>(exact), hypotheses.size());
    if (beam == options.beam && a.beam <= 1 && c.decoding.beam_size <= 1) break;
  }
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = app.add_subcommand(
      "eval", "evaluate a model: a language model on text, a translation model on pairs");
  cmd->add_option("--checkpoint", args->checkpoint, "model file, run directory or checkpoint")
      ->required();
  cmd->add_option(
      "--data", args->data,
      "language models: text to evaluate (default: the config's data.test, else data.valid)");
  cmd->add_option("--batch-size", args->batch_size,
                  "language models: parallel streams (default: validation.batch_size)");
  cmd->add_option("--bptt", args->bptt,
                  "language models: window length (default: validation.bptt)");
  cmd->add_option("--source", args->source,
                  "translation models: source sentences (default: the config's test data)");
  cmd->add_option("--target", args->target, "seq2seq: their reference translations");
  cmd->add_option("--beam", args->beam,
                  "translation models: beam size besides greedy (default: decoding.beam_size)");
  cmd->add_option("--threads", args->threads, "threads (default: all cores)");
  cmd->add_option("--device", args->device, "cpu, cuda or cuda:N")->capture_default_str();
  cmd->callback([args] {
    configure_threads(args->threads, 1);
    const ModelType* type = find_model_type(model_type_of(args->checkpoint));
    if (type != nullptr && type->family->translates) {
      score_translation_model(*args);
    } else {
      score_language_model(*args);
    }
  });
}

}  // namespace recur::cli
