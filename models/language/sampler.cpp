#include "language/sampler.h"

#include <cmath>

namespace recur {

namespace {

// Draws an id from softmax(logits / temperature) with the uniform number u.
template <class T>
int32_t draw(const T* logits, int64_t vocab, double temperature, double u) {
  std::vector<double> p(static_cast<size_t>(vocab));
  double max = -INFINITY;
  for (int64_t i = 0; i < vocab; ++i)
    max = std::max(max, static_cast<double>(logits[i]));
  double total = 0.0;
  for (int64_t i = 0; i < vocab; ++i) {
    // Special tokens other than <eos> are never generated.
    const bool allowed = i == Vocab::kEos || i >= 4;
    p[static_cast<size_t>(i)] =
        allowed ? std::exp((static_cast<double>(logits[i]) - max) / temperature) : 0.0;
    total += p[static_cast<size_t>(i)];
  }
  double target = u * total;
  for (int64_t i = 0; i < vocab; ++i) {
    target -= p[static_cast<size_t>(i)];
    if (target < 0) return static_cast<int32_t>(i);
  }
  return Vocab::kEos;
}

}  // namespace

std::string sample_text(const LanguageModel& model, const Vocab& vocab, DType dtype,
                        const SampleOptions& options) {
  RECUR_CHECK(options.temperature > 0, "temperature must be positive, got ", options.temperature);
  std::vector<int32_t> context = {Vocab::kBos};
  std::vector<std::string> line;
  for (const Token& t : tokenize(vocab.tokenizer(), options.prime, vocab.lowercase())) {
    context.push_back(vocab.id(t.text));
    line.push_back(t.text);
  }
  RnnState state;  // the model's initial state
  const bool stateless = model.state_layers() == 0;
  const auto context_limit = static_cast<size_t>(model.context_limit());
  RandomStream stream(options.seed, RngPurpose::Sampling);
  std::string text;
  auto end_line = [&] {
    text += detokenize(vocab.tokenizer(), line);
    line.clear();
  };
  for (int64_t i = 0; i < options.tokens; ++i) {
    Tape tape(false);
    ForwardContext ctx = ForwardContext::for_inference(tape);
    if (stateless && context_limit > 0 && context.size() > context_limit)
      context.erase(context.begin(), context.end() - static_cast<std::ptrdiff_t>(context_limit));
    const auto steps = static_cast<int64_t>(context.size());
    LanguageModel::Output out =
        model.forward(ctx, Tensor::from_vector(context, {steps, 1}), state, Tensor());
    state = out.state;
    const int64_t v = vocab.size();
    const int32_t next = dispatch_float(dtype, [&]<class T>() {
      return draw(out.logits.value().to_host().data<T>() + (steps - 1) * v, v, options.temperature,
                  stream.uniform_f64(0, static_cast<uint64_t>(i)));
    });
    if (next == Vocab::kEos) {
      end_line();
      text += '\n';
    } else {
      line.push_back(vocab.token(next));
    }
    if (stateless) {
      context.push_back(next);
    } else {
      context = {next};
    }
  }
  end_line();
  return text;
}

}  // namespace recur
