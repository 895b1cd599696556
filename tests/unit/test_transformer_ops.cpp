// Forward values of the transformer ops against loops written from their definitions (the
// gradients are checked in test_ops_gradcheck.cpp): layer norm, and multi-head attention with its
// padding and causal masks in f64 and f32.
#include <cmath>
#include <vector>

#include "test_util.h"

namespace recur::test {
namespace {

TEST(TransformerOps, LayerNormMatchesDefinition) {
  const Tensor x = random_tensor({3, 7}, 1, 3.0, 2.0);
  const Tensor gain = random_tensor({7}, 2), bias = random_tensor({7}, 3);
  Tape tape;
  const Tensor y = layer_norm(tape, Var(x), Var(gain), Var(bias), 1e-5).value();
  for (int64_t r = 0; r < 3; ++r) {
    double mean = 0, var = 0;
    for (int64_t i = 0; i < 7; ++i)
      mean += x.data<double>()[r * 7 + i] / 7;
    for (int64_t i = 0; i < 7; ++i)
      var += std::pow(x.data<double>()[r * 7 + i] - mean, 2) / 7;
    for (int64_t i = 0; i < 7; ++i) {
      const double expected =
          (x.data<double>()[r * 7 + i] - mean) / std::sqrt(var + 1e-5) * gain.data<double>()[i] +
          bias.data<double>()[i];
      EXPECT_NEAR(y.data<double>()[r * 7 + i], expected, 1e-12) << "row " << r << ", column " << i;
    }
  }
}

// out[b,i,h] by the definition: every score, the mask, the softmax, the weighted sum.
std::vector<double> reference_attention(const Tensor& q, const Tensor& k, const Tensor& v,
                                        const std::vector<int32_t>& lengths, int64_t heads,
                                        bool causal) {
  const int64_t B = q.shape()[0], Tq = q.shape()[1], Tk = k.shape()[1];
  const int64_t Dk = q.shape()[2] / heads, Dv = v.shape()[2] / heads;
  auto at = [](const Tensor& t, int64_t b, int64_t i, int64_t c) {
    return t.dtype() == DType::F64
               ? t.data<double>()[(b * t.shape()[1] + i) * t.shape()[2] + c]
               : double(t.data<float>()[(b * t.shape()[1] + i) * t.shape()[2] + c]);
  };
  std::vector<double> out(static_cast<size_t>(B * Tq * heads * Dv), 0.0);
  for (int64_t b = 0; b < B; ++b) {
    for (int64_t h = 0; h < heads; ++h) {
      for (int64_t i = 0; i < Tq; ++i) {
        std::vector<double> w(static_cast<size_t>(Tk), 0.0);
        double total = 0;
        for (int64_t j = 0; j < Tk; ++j) {
          if (j >= lengths[static_cast<size_t>(b)] || (causal && j > i + Tk - Tq)) continue;
          double score = 0;
          for (int64_t c = 0; c < Dk; ++c)
            score += at(q, b, i, h * Dk + c) * at(k, b, j, h * Dk + c);
          w[static_cast<size_t>(j)] = std::exp(score / std::sqrt(double(Dk)));
          total += w[static_cast<size_t>(j)];
        }
        for (int64_t j = 0; j < Tk; ++j) {
          for (int64_t c = 0; c < Dv; ++c) {
            out[static_cast<size_t>((b * Tq + i) * heads * Dv + h * Dv + c)] +=
                w[static_cast<size_t>(j)] / total * at(v, b, j, h * Dv + c);
          }
        }
      }
    }
  }
  return out;
}

TEST(TransformerOps, MultiHeadAttentionMatchesDefinition) {
  const std::vector<int32_t> lengths = {5, 3, 1};
  const Tensor key_lengths = Tensor::from_vector<int32_t>(lengths, {3});
  for (DType dtype : {DType::F64, DType::F32}) {
    for (bool causal : {false, true}) {
      for (int64_t queries : {5, 2}) {
        SCOPED_TRACE(testing::Message() << dtype_name(dtype) << ", causal " << causal << ", "
                                        << queries << " queries");
        const Tensor q = random_tensor({3, queries, 8}, 10, 1.0, 0.0, dtype);
        const Tensor k = random_tensor({3, 5, 8}, 11, 1.0, 0.0, dtype);
        const Tensor v = random_tensor({3, 5, 6}, 12, 1.0, 0.0, dtype);
        Tape tape;
        const MultiHeadAttentionOutputs result =
            multi_head_attention(tape, Var(q), Var(k), Var(v), key_lengths, 2, causal);
        const std::vector<double> expected = reference_attention(q, k, v, lengths, 2, causal);
        const double tolerance = dtype == DType::F64 ? 1e-12 : 1e-5;
        for (size_t n = 0; n < expected.size(); ++n) {
          const double got = dtype == DType::F64 ? result.out.value().data<double>()[n]
                                                 : result.out.value().data<float>()[n];
          ASSERT_NEAR(got, expected[n], tolerance) << "element " << n;
        }
      }
    }
  }
}

TEST(TransformerOps, MultiHeadAttentionWeightsAreZeroOnMaskedKeys) {
  const Tensor key_lengths = Tensor::from_vector<int32_t>({3}, {1});
  Tape tape;
  const Tensor probs = multi_head_attention(tape, Var(random_tensor({1, 4, 4}, 20)),
                                            Var(random_tensor({1, 4, 4}, 21)),
                                            Var(random_tensor({1, 4, 4}, 22)), key_lengths, 1, true)
                           .probs;  // (1, 1, 4, 4)
  for (int64_t i = 0; i < 4; ++i) {
    double total = 0;
    for (int64_t j = 0; j < 4; ++j) {
      const double p = probs.data<double>()[i * 4 + j];
      total += p;
      if (j > i || j >= 3) {
        EXPECT_EQ(p, 0.0) << "query " << i << ", key " << j;
      }
    }
    EXPECT_NEAR(total, 1.0, 1e-12) << "query " << i;
  }
}

}  // namespace
}  // namespace recur::test
