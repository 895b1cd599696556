// The gradient flow of `recur analyze gradients` (language/gradient_flow.h) against the chain rule
// written out by hand for a one-layer tanh RNN language model:
//   g_T = W_out^T (softmax(W_out h_T + b_out) - onehot(target)),
//   g_{t-1} = W_hh^T (g_t * (1 - h_t^2)).
#include <cmath>

#include "language/gradient_flow.h"
#include "lstm_lm/lstm_lm.h"
#include "test_util.h"

namespace recur::test {
namespace {

constexpr int64_t kVocab = 5, kEmbedding = 3, kHidden = 4, kWindow = 6;

using Matrix = std::vector<std::vector<double>>;

Matrix matrix_of(const ParameterStore& store, const std::string& path) {
  const Tensor t = store.find(path)->var().value();
  const int64_t rows = t.dim(0), cols = t.shape().rank() == 2 ? t.dim(1) : 1;
  Matrix m(static_cast<size_t>(rows), std::vector<double>(static_cast<size_t>(cols)));
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c)
      m[r][c] = t.item(r * cols + c);
  }
  return m;
}

// m v, or m^T v.
std::vector<double> times(const Matrix& m, const std::vector<double>& v, bool transpose = false) {
  std::vector<double> out(transpose ? m[0].size() : m.size(), 0.0);
  for (size_t r = 0; r < m.size(); ++r) {
    for (size_t c = 0; c < m[r].size(); ++c) {
      if (transpose) {
        out[c] += m[r][c] * v[r];
      } else {
        out[r] += m[r][c] * v[c];
      }
    }
  }
  return out;
}

double norm(const std::vector<double>& v) {
  double s = 0;
  for (double x : v)
    s += x * x;
  return std::sqrt(s);
}

// ||dL_T/dh_t|| at distances 1 .. T-1 for one window of T + 1 tokens.
std::vector<double> by_hand(const ParameterStore& store, const std::vector<int32_t>& window) {
  const Matrix emb = matrix_of(store, "embedding/weight"),
               w_ih = matrix_of(store, "rnn/layer0/fwd/w_ih"),
               w_hh = matrix_of(store, "rnn/layer0/fwd/w_hh"),
               b_ih = matrix_of(store, "rnn/layer0/fwd/b_ih"),
               b_hh = matrix_of(store, "rnn/layer0/fwd/b_hh"),
               w_out = matrix_of(store, "output/weight"), b_out = matrix_of(store, "output/bias");
  std::vector<std::vector<double>> h(1, std::vector<double>(kHidden, 0.0));  // h[t], h[0] = 0
  for (int64_t t = 0; t < kWindow; ++t) {
    const std::vector<double> x = times(w_ih, emb[static_cast<size_t>(window[t])]);
    const std::vector<double> r = times(w_hh, h.back());
    std::vector<double> next(kHidden);
    for (int64_t j = 0; j < kHidden; ++j)
      next[j] = std::tanh(x[j] + b_ih[j][0] + r[j] + b_hh[j][0]);
    h.push_back(next);
  }
  std::vector<double> p = times(w_out, h.back()), g;
  double total = 0;
  for (int64_t v = 0; v < kVocab; ++v)
    total += p[v] = std::exp(p[v] + b_out[v][0]);
  for (int64_t v = 0; v < kVocab; ++v)
    p[v] = p[v] / total - (v == window[kWindow] ? 1.0 : 0.0);
  g = times(w_out, p, true);  // dL/dh_T
  std::vector<double> norms;
  for (int64_t t = kWindow; t > 1; --t) {  // g: dL/dh_t -> dL/dh_{t-1}
    for (int64_t j = 0; j < kHidden; ++j)
      g[j] *= 1.0 - h[t][j] * h[t][j];
    g = times(w_hh, g, true);
    norms.push_back(norm(g));
  }
  return norms;
}

TEST(GradientFlow, MatchesTheChainRuleOfATanhRnn) {
  LstmLmConfig config;
  config.cell = CellType::Rnn;
  config.embedding_size = kEmbedding;
  config.hidden_size = kHidden;
  config.layers = 1;
  ParameterStore store;
  LstmLm model(config, kVocab, store);
  store.materialize(DType::F64, 11);
  const std::vector<int32_t> ids = {1, 4, 2, 2, 0, 3, 1, 4, 4, 2, 3};
  const TokenSequence tokens = TokenSequence::of(ids, std::vector<int32_t>(ids.size(), 1));
  const std::vector<double> flow = gradient_flow(model, tokens, {kWindow, 2});
  // The two windows: the text's first and last T + 1 tokens.
  const std::vector<double> first = by_hand(store, {ids.begin(), ids.begin() + kWindow + 1});
  const std::vector<double> last = by_hand(store, {ids.end() - kWindow - 1, ids.end()});
  ASSERT_EQ(flow.size(), static_cast<size_t>(kWindow - 1));
  for (size_t k = 0; k < flow.size(); ++k)
    EXPECT_NEAR(flow[k], (first[k] + last[k]) / 2, 1e-12 * first[0]) << "distance " << k + 1;
  EXPECT_LT(flow.back(), flow.front());  // and it does fall with the distance
}

TEST(GradientFlow, RefusesTextShorterThanTheWindow) {
  LstmLmConfig config;
  ParameterStore store;
  LstmLm model(config, kVocab, store);
  store.materialize(DType::F64, 11);
  const TokenSequence tokens = TokenSequence::of({1, 2, 3}, {1, 1, 1});
  try {
    gradient_flow(model, tokens, {kWindow, 2});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "the text has 3 tokens; a window of 6 needs 7");
  }
}

}  // namespace
}  // namespace recur::test
