// Optimisers, clipping and learning-rate schedules against hand-computed values.
#include <cmath>

#include "dist/gradient_reducer.h"
#include "nn/parameters.h"
#include "optim/optimizer.h"
#include "optim/schedule.h"
#include "test_util.h"

namespace recur::test {
namespace {

// One parameter of two elements with the given values and gradients.
struct OneParameter {
  ParameterStore store;
  Parameter* p;
  OneParameter(std::vector<double> value, std::vector<double> grad) {
    p = store.declare("p", {2}, Init::zeros());
    store.materialize(DType::F64, 0);
    for (int i = 0; i < 2; ++i) {
      store.values().data<double>()[i] = value[static_cast<size_t>(i)];
      store.grads().data<double>()[i] = grad[static_cast<size_t>(i)];
    }
  }
  double value(int i) { return store.values().data<double>()[i]; }
};

TEST(Sgd, MomentumAndWeightDecayFollowPyTorch) {
  OneParameter w({1.0, -2.0}, {0.5, 0.25});
  Sgd sgd(w.store, {0.9, 0.1, false});
  sgd.step(0.1);  // d = g + 0.1 p = (0.6, 0.05); buf = d; p -= 0.1 d
  EXPECT_NEAR(w.value(0), 1.0 - 0.06, 1e-15);
  EXPECT_NEAR(w.value(1), -2.0 - 0.005, 1e-15);
  sgd.step(0.1);  // d = g + 0.1 p; buf = 0.9 buf + d
  const double d0 = 0.5 + 0.1 * 0.94, buf0 = 0.9 * 0.6 + d0;
  EXPECT_NEAR(w.value(0), 0.94 - 0.1 * buf0, 1e-15);

  OneParameter n({1.0, 1.0}, {1.0, 1.0});
  Sgd nesterov(n.store, {0.5, 0.0, true});
  nesterov.step(1.0);  // buf = 1; p -= g + 0.5 buf = 1.5
  EXPECT_NEAR(n.value(0), -0.5, 1e-15);
}

TEST(Adam, BiasCorrectedUpdates) {
  OneParameter w({1.0, -1.0}, {0.1, -0.2});
  Adam adam(w.store, {0.9, 0.999, 1e-8, 0.0, false});
  adam.step(0.01);
  // First step: m_hat = g, v_hat = g^2, update = lr * g / (|g| + eps).
  EXPECT_NEAR(w.value(0), 1.0 - 0.01 * 0.1 / (0.1 + 1e-8), 1e-12);
  EXPECT_NEAR(w.value(1), -1.0 + 0.01 * 0.2 / (0.2 + 1e-8), 1e-12);
  adam.step(0.01);
  const double m = 0.9 * 0.01 + 0.01, v = 0.999 * 0.00001 + 0.00001;
  const double m_hat = m / (1 - 0.81), v_hat = v / (1 - 0.999 * 0.999);
  EXPECT_NEAR(w.value(0),
              1.0 - 0.01 * 0.1 / (0.1 + 1e-8) - 0.01 * m_hat / (std::sqrt(v_hat) + 1e-8), 1e-12);
}

TEST(Adam, DecoupledWeightDecayShrinksTheParameter) {
  OneParameter w({2.0, 2.0}, {0.0, 0.0});
  Adam adamw(w.store, {0.9, 0.999, 1e-8, 0.1, true});
  adamw.step(0.5);
  EXPECT_NEAR(w.value(0), 2.0 * (1.0 - 0.05), 1e-12);
}

TEST(ClipGradNorm, ScalesOnlyAboveTheLimitAndCountsTheStepsItScaled) {
  OneParameter w({0.0, 0.0}, {3.0, 4.0});
  Tensor diverged_at = Tensor::zeros({1}, DType::F64);
  Tensor clipped = Tensor::zeros({1}, DType::F64);
  EXPECT_NEAR(clip_grad_norm(w.store, 10.0, 1, diverged_at, &clipped).item(), 25.0, 1e-12);
  EXPECT_NEAR(w.store.grads().data<double>()[0], 3.0, 1e-12);
  EXPECT_EQ(clipped.item(), 0.0);
  EXPECT_NEAR(clip_grad_norm(w.store, 1.0, 2, diverged_at, &clipped).item(), 25.0, 1e-12);
  EXPECT_NEAR(w.store.grads().data<double>()[1], 4.0 / (5.0 + 1e-6), 1e-12);
  EXPECT_EQ(clipped.item(), 1.0);
  clip_grad_norm(w.store, 0.0, 3, diverged_at, &clipped);  // no clipping
  EXPECT_EQ(clipped.item(), 1.0);
  EXPECT_EQ(diverged_at.item(), 0.0);
}

// A gradient that is not finite marks its step on the device, and a gated update then changes
// nothing (also at later steps whose gradients are finite again), while an ungated one does.
TEST(ClipGradNorm, NonFiniteGradientsStopTheGatedUpdates) {
  OneParameter w({1.0, 2.0}, {std::nan(""), 1.0});
  Sgd sgd(w.store, {});
  Tensor diverged_at = Tensor::zeros({1}, DType::F64);
  Tensor clipped = Tensor::zeros({1}, DType::F64);
  const Tensor sum_sq = clip_grad_norm(w.store, 1.0, 7, diverged_at, &clipped);
  EXPECT_TRUE(std::isnan(sum_sq.item()));
  EXPECT_EQ(clipped.item(), 0.0);  // a step that is skipped is not clipped
  EXPECT_TRUE(std::isnan(w.store.grads().data<double>()[0]));  // left alone, not scaled
  EXPECT_EQ(diverged_at.item(), 7.0);
  sgd.step(0.5, diverged_at);
  EXPECT_EQ(w.value(0), 1.0);
  EXPECT_EQ(w.value(1), 2.0);

  w.store.grads().data<double>()[0] = 1.0;
  clip_grad_norm(w.store, 0.0, 8, diverged_at);
  EXPECT_EQ(diverged_at.item(), 7.0);  // the first bad step stays
  sgd.step(0.5, diverged_at);
  EXPECT_EQ(w.value(1), 2.0);
  sgd.step(0.5);
  EXPECT_EQ(w.value(1), 1.5);
}

TEST(LrSchedule, Shapes) {
  LrSchedule constant({ScheduleType::Constant, 1.0, 4});
  EXPECT_DOUBLE_EQ(constant.lr(1), 0.25);
  EXPECT_DOUBLE_EQ(constant.lr(4), 1.0);
  EXPECT_DOUBLE_EQ(constant.lr(100), 1.0);

  LrSchedule step({ScheduleType::StepDecay, 1.0, 0, 0.5, 10});
  EXPECT_DOUBLE_EQ(step.lr(10), 1.0);
  EXPECT_DOUBLE_EQ(step.lr(11), 0.5);
  EXPECT_DOUBLE_EQ(step.lr(25), 0.25);

  LrSchedule isqrt({ScheduleType::InverseSqrt, 1.0, 100});
  EXPECT_DOUBLE_EQ(isqrt.lr(50), 0.5);
  EXPECT_DOUBLE_EQ(isqrt.lr(100), 1.0);
  EXPECT_DOUBLE_EQ(isqrt.lr(400), 0.5);

  LrSchedule cosine({ScheduleType::Cosine, 1.0, 0, 0.5, 1, 0, 0.1, 101});
  EXPECT_DOUBLE_EQ(cosine.lr(1), 1.0);
  EXPECT_NEAR(cosine.lr(51), 0.55, 1e-12);
  EXPECT_NEAR(cosine.lr(101), 0.1, 1e-12);
  EXPECT_NEAR(cosine.lr(200), 0.1, 1e-12);
  LrSchedule warm_cosine({ScheduleType::Cosine, 1.0, 10, 0.5, 1, 0, 0.0, 20});
  EXPECT_DOUBLE_EQ(warm_cosine.lr(5), 0.5);
  EXPECT_DOUBLE_EQ(warm_cosine.lr(10), 1.0);
  EXPECT_NEAR(warm_cosine.lr(15), 0.5, 1e-12);
}

TEST(LrSchedule, PlateauDecaysAfterPatienceRunsOut) {
  LrSchedule plateau({ScheduleType::Plateau, 1.0, 0, 0.5, 1, 1, 0.2, 0});
  plateau.on_validation(3.0);
  plateau.on_validation(2.0);  // better
  EXPECT_DOUBLE_EQ(plateau.lr(10), 1.0);
  plateau.on_validation(2.5);  // 1 bad: within patience
  EXPECT_DOUBLE_EQ(plateau.lr(10), 1.0);
  plateau.on_validation(2.1);  // 2 bad: decay
  EXPECT_DOUBLE_EQ(plateau.lr(10), 0.5);
  for (int i = 0; i < 10; ++i)
    plateau.on_validation(9.0);
  EXPECT_DOUBLE_EQ(plateau.lr(10), 0.2);  // min_lr
}

// A frozen parameter is laid out after the trainable ones and keeps its values: no gradient, no
// share of the clipping norm, no update (not even weight decay), no gradient bucket.
TEST(FrozenParameters, AreLaidOutLastAndLeftOutOfTraining) {
  ParameterStore store;
  store.declare("a", {3}, Init::constant(1.0));
  store.declare("table", {5}, Init::constant(2.0));
  store.declare("b", {2}, Init::constant(3.0));
  store.freeze("table");
  store.materialize(DType::F64, 1);
  EXPECT_EQ(store.find("a")->offset(), 0);
  EXPECT_EQ(store.find("b")->offset(), 16);
  EXPECT_EQ(store.find("table")->offset(), 32);
  EXPECT_EQ(store.trainable_size(), 32);
  EXPECT_EQ(store.size(), 48);
  EXPECT_FALSE(store.find("table")->var().requires_grad());
  EXPECT_TRUE(store.find("a")->var().requires_grad());

  store.grads().view(0, {3}).fill(1.0);   // a
  store.grads().view(16, {2}).fill(1.0);  // b
  store.grads().view(32, {5}).fill(1.0);  // as if the frozen table had gradients: ignored
  Tensor diverged_at = Tensor::zeros({1}, DType::F64);
  EXPECT_NEAR(clip_grad_norm(store, 0.0, 1, diverged_at).item(), 5.0, 1e-12);
  Adam adam(store, {0.9, 0.999, 1e-8, 0.1, true});
  adam.step(0.5);
  EXPECT_EQ(store.find("table")->var().value().to_vector<double>(), std::vector<double>(5, 2.0));
  EXPECT_LT(store.find("a")->var().value().item(0), 1.0);

  SingleProcessCommunicator comm;
  GradientReducer reducer(store, comm, 8);  // small buckets: one per parameter
  EXPECT_EQ(reducer.bucket_count(), 2);
}

}  // namespace
}  // namespace recur::test
