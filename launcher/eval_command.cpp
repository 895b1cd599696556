#include <algorithm>
#include <cstdio>

#include "commands.h"
#include "core/gpu.h"
#include "core/threads.h"
#include "data/scoring.h"
#include "language/language_model_data.h"
#include "language/language_model_file.h"
#include "language/language_model_task.h"
#include "qa/episode_heatmap.h"
#include "qa/qa_family.h"
#include "qa/qa_model_file.h"
#include "qa/qa_task.h"
#include "registry.h"
#include "translation/translation_model_file.h"
#include "translation/translation_task.h"

namespace recur::cli {

namespace {

struct EvalArgs {
  std::string checkpoint, data, source, target, device = "cpu", attention;
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

// Heatmaps of the episodes of the first `count` questions of `path` (the DMN papers' picture).
void write_episode_heatmaps(const LoadedQaModel& qa, const std::string& path, int64_t count,
                            const std::string& folder) {
  const auto& data = qa.config.data.as<QaDataConfig>();
  const std::vector<QaExample> examples = read_qa_file(path, data.lowercase);
  const QaSplit split = encode_qa_file(path, data, qa.vocab);
  for (int64_t i = 0; i < std::min(count, split.size()); ++i) {
    const QaItem& item = split.items[static_cast<size_t>(i)];
    const QaBatch batch = make_qa_batch({&item});
    Tape tape(false);
    const QaModel::Output out = qa.model->forward(ForwardContext::for_inference(tape), batch);
    RECUR_CHECK(!out.attention.empty(),
                "--attention: the model makes no passes over the facts (model.passes is 0)");
    std::filesystem::create_directories(folder);
    const Tensor logits = out.logits.value().on(Device::cpu()).to(DType::F64);
    const double* row = logits.data<double>();
    const auto answer = static_cast<int32_t>(std::max_element(row, row + logits.dim(1)) - row);
    const QaExample& example = examples[static_cast<size_t>(i)];
    char name[48];
    std::snprintf(name, sizeof(name), "question-%05lld.svg", static_cast<long long>(i + 1));
    write_file((std::filesystem::path(folder) / name).string(),
               episode_svg(example, std::ssize(example.facts) - std::ssize(item.facts),
                           out.attention, 0, qa.vocab.token(answer)));
  }
  std::fprintf(stderr, "recur: wrote %lld episode heatmaps to %s\n",
               static_cast<long long>(std::min(count, split.size())), folder.c_str());
}

void score_qa_model(const EvalArgs& a) {
  std::unique_ptr<LoadedQaModel> qa = load_qa_model(a.checkpoint, gpu::select_device(a.device));
  const auto& data = qa->config.data.as<QaDataConfig>();
  const std::string path = !a.data.empty() ? a.data : !data.test.empty() ? data.test : data.valid;
  RECUR_CHECK(!path.empty(),
              "no data to evaluate: pass --data (the model's config names no test or valid data)");
  const QaSplit split = encode_qa_file(path, data, qa->vocab);
  SingleProcessCommunicator alone;
  const int64_t batch = a.batch_size > 0 ? a.batch_size : qa->config.validation.batch_size;
  const QaScores s = score_qa(*qa->model, split, batch, alone);
  std::printf("%s: accuracy %.2f%% (%.0f of %.0f questions) | loss %.4f\n", path.c_str(),
              s.accuracy.percent(), s.accuracy.correct, s.accuracy.total, s.loss.loss());
  if (!a.attention.empty()) write_episode_heatmaps(*qa, path, 5, a.attention);
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = app.add_subcommand(
      "eval",
      "evaluate a model: a language model on text, a translation model on pairs, a "
      "question-answering model on stories (accuracy)");
  cmd->add_option("--checkpoint", args->checkpoint, "model file, run directory or checkpoint")
      ->required();
  cmd->add_option(
      "--data", args->data,
      "language models: text to evaluate; question answering: stories (default: the config's "
      "data.test, else data.valid)");
  cmd->add_option("--batch-size", args->batch_size,
                  "language models: parallel streams; question answering: questions per batch "
                  "(default: validation.batch_size)");
  cmd->add_option("--bptt", args->bptt,
                  "language models: window length (default: validation.bptt)");
  cmd->add_option("--source", args->source,
                  "translation models: source sentences (default: the config's test data)");
  cmd->add_option("--target", args->target, "seq2seq: their reference translations");
  cmd->add_option("--beam", args->beam,
                  "translation models: beam size besides greedy (default: decoding.beam_size)");
  cmd->add_option("--attention", args->attention,
                  "question answering: write the episode heatmaps (gates over the facts in each "
                  "pass) of the first 5 questions into this folder");
  cmd->add_option("--threads", args->threads, "threads (default: all cores)");
  cmd->add_option("--device", args->device, "cpu, cuda or cuda:N")->capture_default_str();
  cmd->callback([args] {
    configure_threads(args->threads, 1);
    const ModelType* type = find_model_type(model_type_of(args->checkpoint));
    if (type != nullptr && type->family->translates) {
      score_translation_model(*args);
    } else if (type != nullptr && type->family->name == kQaFamily) {
      score_qa_model(*args);
    } else {
      score_language_model(*args);
    }
  });
}

}  // namespace recur::cli
