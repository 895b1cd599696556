#include <cstdio>

#include "commands.h"
#include "core/threads.h"
#include "lstm_lm/lm_data.h"
#include "lstm_lm/lm_model_file.h"
#include "lstm_lm/lm_task.h"

namespace recur::cli {

void add_eval_command(CLI::App& app) {
  struct Args {
    std::string checkpoint, data;
    int64_t batch_size = 0, bptt = 0;
    int threads = 0;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("eval", "evaluate a language model on a text file");
  cmd->add_option("--checkpoint", args->checkpoint, "model file or run directory")->required();
  cmd->add_option("--data", args->data,
                  "text to evaluate (default: the config's data.test, else data.valid)");
  cmd->add_option("--batch-size", args->batch_size,
                  "parallel streams (default: validation.batch_size)");
  cmd->add_option("--bptt", args->bptt, "window length (default: validation.bptt)");
  cmd->add_option("--threads", args->threads, "threads (default: all cores)");
  cmd->callback([args] {
    configure_threads(args->threads, 1);
    std::unique_ptr<LoadedLm> lm = load_lm(args->checkpoint);
    const ExperimentConfig& c = lm->config;
    std::string path = args->data;
    if (path.empty()) path = !c.data.test.empty() ? c.data.test : c.data.valid;
    RECUR_CHECK(!path.empty(),
                "no data to evaluate: pass --data (the model's config names no "
                "test or valid data)");
    const TokenSequence tokens = encode_file(path, lm->vocab);
    const int64_t streams = args->batch_size > 0 ? args->batch_size : c.validation.batch_size;
    const int64_t bptt = args->bptt > 0          ? args->bptt
                         : c.validation.bptt > 0 ? c.validation.bptt
                                                 : c.training.bptt;
    const LossTotals t = evaluate_lm(*lm->model, tokens, streams, bptt, {0, streams}, DType::F32);
    std::printf("%s: %.0f tokens | loss %.4f | ppl %.3f | bpc %.4f\n", path.c_str(), t.tokens,
                t.loss(), t.perplexity(), t.bits_per_char());
  });
}

}  // namespace recur::cli
