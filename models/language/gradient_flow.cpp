#include "language/gradient_flow.h"

#include <cmath>

#include "autograd/ops/loss.h"

namespace recur {

namespace {

// (T + 1, B) i32: `sequences` windows of `length` tokens, the first at the text's start and the
// last at its end.
Tensor windows(const TokenSequence& tokens, int64_t length, int64_t sequences) {
  Tensor ids = Tensor::empty({length, sequences}, DType::I32);
  const int64_t room = tokens.size() - length;
  for (int64_t b = 0; b < sequences; ++b) {
    const int64_t offset = sequences > 1 ? b * room / (sequences - 1) : 0;
    for (int64_t t = 0; t < length; ++t)
      ids.data<int32_t>()[t * sequences + b] = tokens.id(offset + t);
  }
  return ids;
}

// The mean over the rows of g (B, H) of their Euclidean norms.
double mean_row_norm(const Tensor& g) {
  const Tensor host = g.to(Device::cpu());
  const int64_t rows = host.dim(0), cols = host.dim(1);
  double total = 0;
  for (int64_t b = 0; b < rows; ++b) {
    double sum_sq = 0;
    for (int64_t j = 0; j < cols; ++j)
      sum_sq += host.item(b * cols + j) * host.item(b * cols + j);
    total += std::sqrt(sum_sq);
  }
  return total / static_cast<double>(rows);
}

}  // namespace

std::vector<double> gradient_flow(const LanguageModel& model, const TokenSequence& tokens,
                                  const GradientFlowOptions& options) {
  RECUR_CHECK(model.state_layers() > 0,
              "the gradient flow needs a recurrent language model (one that carries a state)");
  const int64_t T = options.window, B = options.sequences;
  RECUR_CHECK(T >= 2 && B >= 1, "the window needs at least 2 steps and 1 sequence");
  RECUR_CHECK(tokens.size() >= T + 1, "the text has ", tokens.size(), " tokens; a window of ", T,
              " needs ", T + 1);
  const Tensor ids = windows(tokens, T + 1, B);
  Tape tape;
  const ForwardContext ctx = ForwardContext::for_inference(tape);
  // One step at a time, so that every step's state is a Var of its own whose gradient the tape
  // keeps (a window in one call carries the state inside the fused layer op).
  RnnState state;        // the model's initial state
  std::vector<Var> top;  // the top layer's h after each step
  LanguageModel::Output out;
  for (int64_t t = 0; t < T; ++t) {
    out = model.forward(ctx, ids.slice_rows(t, t + 1), state, Tensor());
    state = out.state;
    top.push_back(state.h.back());
  }
  // The sum over the windows, so that each window's gradient is that of its own loss.
  CrossEntropyOptions sum;
  sum.normalizer = 1.0;
  const Tensor targets = ids.slice_rows(T, T + 1).reshape({B});
  tape.backward(cross_entropy(tape, out.logits, targets, sum).loss);
  std::vector<double> norms;
  for (int64_t k = 1; k < T; ++k) {
    const Var& h = top[static_cast<size_t>(T - 1 - k)];
    norms.push_back(h.has_grad() ? mean_row_norm(h.grad()) : 0.0);
  }
  return norms;
}

}  // namespace recur
