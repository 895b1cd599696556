// The types in the kernels' signatures, shared by both backends (kernels/cpu, kernels/cuda) and by
// the code that calls them through kernels/dispatch.h.
#pragma once

#include <cstdint>

namespace recur {

// The element-wise nonlinearities of activation_forward and activation_backward.
enum class Activation { Sigmoid, Tanh, Relu };

// The score of one attention step (formulas in kernels/cpu/attention.h).
enum class AttentionScore { Dot, Additive };

// query (batch, key), keys (batch, source, key), values (batch, source, value).
struct AttentionDims {
  int64_t batch = 0, source = 0, key = 0, value = 0;
};

// Multi-head attention (layouts and masks in kernels/cpu/multi_head_attention.h):
// q (batch, queries, heads * key_dim), k (batch, keys, heads * key_dim),
// v (batch, keys, heads * value_dim).
struct MultiHeadDims {
  int64_t batch = 0, queries = 0, keys = 0, heads = 0, key_dim = 0, value_dim = 0;
  bool causal = false;
};

}  // namespace recur
