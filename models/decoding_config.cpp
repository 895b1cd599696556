#include "decoding_config.h"

namespace recur {

void DecodingConfig::describe(ConfigVisitor& v) {
  v.field("beam_size", beam_size,
          "beam width of recur translate and the test evaluation (1: greedy)", Bounds::at_least(1));
  v.field("length_penalty", length_penalty,
          "rank hypotheses by log p / length^length_penalty (0: raw log p)",
          Bounds::non_negative());
  v.field("max_length_ratio", max_length_ratio,
          "stop after max_length_ratio x source length + 10 tokens", Bounds::positive());
}

}  // namespace recur
