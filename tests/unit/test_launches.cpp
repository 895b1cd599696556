// Kernel launches per timestep of the recurrent layers (core/device_counters.h; on the CPU build,
// kernel calls through kernels/dispatch.h, each standing for its CUDA counterpart's launches),
// forward and backward, from the difference between sequences of 3 and 7 steps. docs/cuda.md gives
// these figures; fusing the per-step state kernels into the cell kernels is what lowers them, and
// this test then states the new figures.
#include <gtest/gtest.h>

#include "autograd/ops/reduce.h"
#include "autograd/ops/rnn.h"
#include "core/device_counters.h"
#include "nn/rnn_stack.h"
#include "test_util.h"

namespace recur {

namespace {

constexpr int64_t kBatch = 3, kInput = 5, kHidden = 4;

struct Launches {
  int64_t forward = 0, backward = 0;
};

Var random_var(const Shape& shape, uint64_t tag) {
  return Var(test::random_tensor(shape, tag, 0.5, 0.0, DType::F64), true);
}

Var layer_output(Tape& tape, CellType cell, const Var& x, const Var& h0, const Var& c0,
                 const RnnWeights& w, const RnnLayerOptions& options) {
  switch (cell) {
    case CellType::Lstm:
      return lstm_layer(tape, x, h0, c0, w, options).y;
    case CellType::Gru:
      return gru_layer(tape, x, h0, w, options).y;
    case CellType::Rnn:
      return rnn_layer(tape, x, h0, w, options, Activation::Tanh).y;
    case CellType::RnnRelu:
      return rnn_layer(tape, x, h0, w, options, Activation::Relu).y;
  }
  return {};
}

// The launches of one layer over `steps` steps, with or without the LM's keep mask.
Launches layer_launches(CellType cell, int64_t steps, bool with_keep) {
  const int64_t gates = RnnStackSpec{cell}.gates();
  const RnnWeights w{random_var({gates * kHidden, kInput}, 1),
                     random_var({gates * kHidden, kHidden}, 2), random_var({gates * kHidden}, 3),
                     random_var({gates * kHidden}, 4)};
  const Var x = random_var({steps, kBatch, kInput}, 5);
  const Var h0 = random_var({kBatch, kHidden}, 6), c0 = random_var({kBatch, kHidden}, 7);
  RnnLayerOptions options;
  if (with_keep) options.keep = Tensor::full({steps, kBatch}, DType::F64, 1.0);
  Tape tape;
  const DeviceCounters before = device_counters();
  const Var y = layer_output(tape, cell, x, h0, c0, w, options);
  const DeviceCounters after_forward = device_counters();
  tape.backward(sum(tape, y));
  return {(after_forward - before).launches, (device_counters() - after_forward).launches};
}

// (launches at 7 steps - launches at 3 steps) / 4.
Launches per_step(CellType cell, bool with_keep) {
  const Launches short_run = layer_launches(cell, 3, with_keep);
  const Launches long_run = layer_launches(cell, 7, with_keep);
  return {(long_run.forward - short_run.forward) / 4, (long_run.backward - short_run.backward) / 4};
}

// A step is one GEMM and one fused kernel each way: the cell, padding and the keep masks (before:
// an LSTM step took 4 forward and 3 to 5 backward, a GRU step 3 forward and 3 to 4 backward). The
// vanilla RNN was fused from the start.
TEST(KernelLaunches, PerRecurrentTimestep) {
  struct Expected {
    CellType cell;
    bool keep;
    Launches launches;
  };
  for (const Expected& e :
       {Expected{CellType::Lstm, false, {2, 2}}, Expected{CellType::Lstm, true, {2, 2}},
        Expected{CellType::Gru, false, {2, 2}}, Expected{CellType::Gru, true, {2, 2}},
        Expected{CellType::Rnn, false, {2, 2}}, Expected{CellType::Rnn, true, {2, 2}}}) {
    const Launches measured = per_step(e.cell, e.keep);
    EXPECT_EQ(measured.forward, e.launches.forward) << cell_name(e.cell) << " keep " << e.keep;
    EXPECT_EQ(measured.backward, e.launches.backward) << cell_name(e.cell) << " keep " << e.keep;
  }
}

}  // namespace

}  // namespace recur
