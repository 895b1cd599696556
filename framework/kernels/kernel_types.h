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

// Local attention (kernels/attention_window_math.h): center (batch), the position each row's
// window is centred on, and its half width D. No center: global attention.
template <class T>
struct AttentionWindow {
  const T* center = nullptr;
  int64_t half_width = 0;
};

// What a recurrent step does besides its cell (lstm_step_forward, gru_step_forward), so that a
// step is one GEMM and one kernel: padded rows carry their state through, and the states entering
// the next step are written with its keep mask applied. All (B, H) but lengths and keep_next (B).
template <class T>
struct RnnStepIo {
  const T* h_prev = nullptr;         // the hidden state entering the step
  const int32_t* lengths = nullptr;  // null, or rows with t >= lengths[b] are padding at this step
  int64_t t = 0;
  const T* keep_next = nullptr;  // null (factor 1), or the next step's keep factors
  T* y = nullptr;                // the step's output h_t; 0 on padded rows
  T* next_h = nullptr;           // keep_next * the carried h: h_t, or h_prev on padded rows
  T* next_c = nullptr;           // LSTM: keep_next * the carried c: c_t, or c_prev on padded rows
};

// What a recurrent step's backward kernel does besides its cell (lstm_step_backward,
// gru_step_backward), so that a step backward is one kernel and one GEMM. All (B, H) but lengths
// and the keep factors (B).
template <class T>
struct RnnStepGrads {
  const T* dy = nullptr;  // null, or the gradient of the step's output
  // The gradient of the state entering the step after (that step's GEMM output), or of the final
  // state; keep_after (null: 1) are the keep factors that step applied to it.
  const T* dh = nullptr;
  const T* keep_after = nullptr;
  const int32_t* lengths = nullptr;  // null, or rows with t >= lengths[b] are padding at this step
  int64_t t = 0;
  const T* keep = nullptr;  // null (1), or this step's keep factors
  // Out: the gradient of the state entering this step that bypasses W_hh (padded rows pass theirs
  // through; 0 on the others); the caller's GEMM adds gates' gradients times W_hh.
  T* dh_prev = nullptr;
  // LSTM: in, the gradient of the carried cell state after the step; out, before it (keep
  // applied).
  T* dc = nullptr;
  // LSTM, or null: out, the gradient of the cell state entering the step (before keep applies;
  // what a learned restart state receives).
  T* dc_entering = nullptr;
};

// Multi-head attention (layouts and masks in kernels/cpu/multi_head_attention.h):
// q (batch, queries, heads * key_dim), k (batch, keys, heads * key_dim),
// v (batch, keys, heads * value_dim).
struct MultiHeadDims {
  int64_t batch = 0, queries = 0, keys = 0, heads = 0, key_dim = 0, value_dim = 0;
  bool causal = false;
};

}  // namespace recur
