#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "commands.h"
#include "core/gpu.h"
#include "core/threads.h"
#include "report/heatmap.h"
#include "translation/translation_model_file.h"
#include "translation/translator.h"

namespace recur::cli {

namespace {

struct TranslateArgs {
  std::string checkpoint, input, attention, device = "cpu";
  int64_t beam = 0, nbest = 1;
  double length_penalty = -1, max_length_ratio = -1;
  int threads = 0;
};

std::vector<std::string> read_input(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream file;
  if (!path.empty()) {
    file.open(path);
    RECUR_CHECK(file, "cannot read ", path);
  }
  std::istream& in = path.empty() ? std::cin : file;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

void translate(const TranslateArgs& a) {
  configure_threads(a.threads, 1);
  std::unique_ptr<LoadedTranslationModel> loaded =
      load_translation_model(a.checkpoint, gpu::select_device(a.device));
  const DecodingConfig& d = loaded->config.decoding;
  SearchOptions options;
  options.beam = a.beam > 0 ? a.beam : d.beam_size;
  options.length_penalty = a.length_penalty >= 0 ? a.length_penalty : d.length_penalty;
  options.max_length_ratio = a.max_length_ratio > 0 ? a.max_length_ratio : d.max_length_ratio;
  options.nbest = a.nbest;
  RECUR_CHECK(options.nbest <= options.beam, "--nbest (", options.nbest,
              ") cannot exceed the beam (", options.beam, ")");
  options.keep_attention = !a.attention.empty();
  if (options.keep_attention) {
    RECUR_CHECK(loaded->model->has_attention(), "--attention: the model has no attention");
    std::filesystem::create_directories(a.attention);
  }
  const std::vector<std::string> sentences = read_input(a.input);
  const Translator translator(*loaded->model, loaded->vocabularies);
  const std::vector<std::vector<Translation>> results = translator.translate(sentences, options);
  for (size_t i = 0; i < results.size(); ++i) {
    for (const Translation& t : results[i]) {
      if (options.nbest > 1) {
        std::printf("%zu ||| %s ||| %.6f\n", i, t.text.c_str(), t.score);
      } else {
        std::printf("%s\n", t.text.c_str());
      }
    }
    if (results[i].empty()) std::printf("\n");
    if (options.keep_attention && !results[i].empty()) {
      const Translation& best = results[i][0];
      std::vector<std::string> output = best.tokens;
      output.push_back("</s>");
      char name[48];
      std::snprintf(name, sizeof(name), "sentence-%05zu.svg", i + 1);
      std::ofstream((std::filesystem::path(a.attention) / name).string())
          << attention_svg(best.source_tokens, output, best.attention);
    }
  }
  if (options.keep_attention) {
    std::fprintf(stderr, "recur: wrote %zu attention heatmaps to %s\n", results.size(),
                 a.attention.c_str());
  }
}

}  // namespace

void add_translate_command(CLI::App& app) {
  auto a = std::make_shared<TranslateArgs>();
  CLI::App* cmd =
      app.add_subcommand("translate", "translate lines of text with a sequence-to-sequence model");
  cmd->add_option("--checkpoint", a->checkpoint, "model file, run directory or checkpoint")
      ->required();
  cmd->add_option("--input", a->input,
                  "text to translate, one sentence per line (default: standard input)");
  cmd->add_option("--beam", a->beam,
                  "beam size (default: the config's decoding.beam_size; 1: greedy)");
  cmd->add_option("--nbest", a->nbest,
                  "print the n best translations as 'line ||| text ||| score'");
  cmd->add_option("--length-penalty", a->length_penalty, "rank by log p / length^this");
  cmd->add_option("--max-length-ratio", a->max_length_ratio,
                  "at most ratio x source length + 10 tokens");
  cmd->add_option("--attention", a->attention,
                  "write one SVG attention heatmap per sentence into this folder");
  cmd->add_option("--threads", a->threads, "threads (default: all cores)");
  cmd->add_option("--device", a->device, "cpu, cuda or cuda:N")->capture_default_str();
  cmd->callback([a] { translate(*a); });
}

}  // namespace recur::cli
