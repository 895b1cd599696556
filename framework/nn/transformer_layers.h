// The building blocks of transformers (Vaswani et al.): layer norm, multi-head attention with its
// four projections, the position-wise feed-forward network, and sinusoidal positions.
//
// Activations are batch-major (B, T, D) throughout, the layout of multi_head_attention.
#pragma once

#include <string>

#include "autograd/ops/multi_head_attention.h"
#include "nn/context.h"
#include "nn/layers.h"

namespace recur {

class LayerNorm {
 public:
  // gain (dim) = 1, bias (dim) = 0.
  LayerNorm(ParameterStore& store, const std::string& path, int64_t dim);
  Var forward(Tape& tape, const Var& x) const;  // (..., dim) -> (..., dim)

 private:
  Parameter* gain_;
  Parameter* bias_;
};

class MultiHeadAttention {
 public:
  // Projections q, k, v, o: (dim, dim) each, with biases.
  MultiHeadAttention(ParameterStore& store, const std::string& path, int64_t dim, int64_t heads);

  // Keys and values of `memory` (B, Tk, dim): computed once per sequence for cross-attention
  // and for a decoder's key/value cache.
  Var keys(Tape& tape, const Var& memory) const { return k_.forward(tape, memory); }
  Var values(Tape& tape, const Var& memory) const { return v_.forward(tape, memory); }

  // query (B, Tq, dim) attends to projected keys and values (B, Tk, dim); the result is projected
  // by o. probs (B, heads, Tq, Tk).
  MultiHeadAttentionOutputs attend(Tape& tape, const Var& query, const Var& keys, const Var& values,
                                   const Tensor& key_lengths, bool causal) const;
  // attend() with keys and values projected from `memory`.
  MultiHeadAttentionOutputs forward(Tape& tape, const Var& query, const Var& memory,
                                    const Tensor& key_lengths, bool causal) const;

 private:
  int64_t heads_;
  Linear q_, k_, v_, o_;
};

class FeedForward {
 public:
  FeedForward(ParameterStore& store, const std::string& path, int64_t dim, int64_t hidden);
  // x (B, T, dim) -> relu(x W1 + b1), dropout, W2 + b2 -> (B, T, dim)
  Var forward(const ForwardContext& ctx, const Var& x, double dropout_p,
              const std::string& site) const;

 private:
  Linear in_, out_;
};

// Dropout on a batch-major (B, T, W) activation: the masks are keyed by global row and position,
// as for time-major activations, so they do not depend on the number of ranks.
Var dropout_batch_major(const ForwardContext& ctx, const Var& x, double p, const std::string& site);

// The sinusoidal position encodings of positions [first, first + count): (count, dim), with
// sin(pos / 10000^(2i/dim)) in column 2i and cos in column 2i + 1; computed on the host, returned
// on `device`.
Tensor sinusoidal_positions(int64_t first, int64_t count, int64_t dim, DType dtype,
                            Device device = Device::cpu());

}  // namespace recur
