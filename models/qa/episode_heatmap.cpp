#include "qa/episode_heatmap.h"

#include "data/tokenizer.h"
#include "report/heatmap.h"

namespace recur {

std::string episode_svg(const QaExample& example, int64_t first_fact,
                        const std::vector<Tensor>& gates, int64_t row,
                        const std::string& predicted) {
  std::vector<std::string> passes, facts;
  for (size_t t = 0; t < gates.size(); ++t)
    passes.push_back(concat("pass ", t + 1));
  std::vector<std::vector<float>> weights;  // (facts, passes)
  for (auto f = static_cast<size_t>(first_fact); f < example.facts.size(); ++f) {
    facts.push_back(detokenize(TokenizerType::Word, example.facts[f]));
    weights.emplace_back();
    for (const Tensor& pass : gates) {
      const Tensor host = pass.on(Device::cpu()).to(DType::F32);
      const int64_t stride = host.dim(1);
      weights.back().push_back(
          host.data<float>()[row * stride + static_cast<int64_t>(f) - first_fact]);
    }
  }
  const std::string title = concat(detokenize(TokenizerType::Word, example.question),
                                   " answer: ", example.answer, ", model: ", predicted);
  return attention_svg(passes, facts, weights, title);
}

}  // namespace recur
