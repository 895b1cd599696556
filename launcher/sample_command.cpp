#include <cstdio>

#include "commands.h"
#include "core/threads.h"
#include "language/language_model_file.h"
#include "language/sampler.h"

namespace recur::cli {

void add_sample_command(CLI::App& app) {
  auto options = std::make_shared<SampleOptions>();
  auto checkpoint = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("sample", "generate text from a language model");
  cmd->add_option("--checkpoint", *checkpoint, "model file or run directory")->required();
  cmd->add_option("--tokens", options->tokens, "tokens to generate")->capture_default_str();
  cmd->add_option("--temperature", options->temperature, "softmax temperature (> 0)")
      ->capture_default_str();
  cmd->add_option("--prime", options->prime, "text to start from");
  cmd->add_option("--seed", options->seed, "random seed")->capture_default_str();
  cmd->callback([options, checkpoint] {
    configure_threads(1, 1);
    std::unique_ptr<LoadedLanguageModel> lm = load_language_model(*checkpoint);
    std::string text = sample_text(*lm->model, lm->vocab, DType::F32, *options);
    std::fwrite(text.data(), 1, text.size(), stdout);
    if (text.empty() || text.back() != '\n') std::fputc('\n', stdout);
  });
}

}  // namespace recur::cli
