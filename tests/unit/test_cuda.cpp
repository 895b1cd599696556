// The CUDA backend against the CPU reference: the same inputs through the CPU kernels and the CUDA
// kernels, compared norm-wise (||gpu - cpu|| / ||cpu||). Tests that need a device skip, saying
// why, on a machine without one; the message a user gets for an unusable device is checked
// everywhere.
#include <gtest/gtest.h>

#include <cmath>

#include "core/gpu.h"
#include "dist/gpu_communicator.h"
#include "test_util.h"

#if RECUR_WITH_CUDA
#include "kernels/dispatch.h"
#include "kernels/id_groups.h"
#endif

namespace recur {

namespace {

TEST(GpuRuntime, AnUnusableDeviceIsRefusedWithTheReason) {
  const gpu::Availability& available = gpu::availability();
  const Device beyond = Device::cuda(available.devices);
  const std::string expected =
      available.devices == 0
          ? "device " + beyond.str() + " is not available: " + available.reason
          : concat("device ", beyond.str(), " is not available: ", available.devices,
                   " CUDA device(s) visible");
  try {
    Tensor::zeros({2}, DType::F32, beyond);
    FAIL() << "no error for " << beyond.str();
  } catch (const Error& e) {
    EXPECT_EQ(e.what(), expected);
  }
}

TEST(GpuCommunicator, FindsTheFirstTwoRanksOnOneDevice) {
  EXPECT_EQ(first_shared_device({11, 12, 13}), std::nullopt);
  EXPECT_EQ(first_shared_device({11, 12, 13, 12, 11}), (std::pair{1, 3}));
  EXPECT_EQ(first_shared_device({}), std::nullopt);
}

TEST(GpuCommunicator, WithoutAGpuSaysWhy) {
  if (gpu::availability().devices > 0) GTEST_SKIP() << "this machine has a GPU";
  try {
    make_gpu_communicator(std::make_unique<SingleProcessCommunicator>(), Device::cuda(0),
                          SharedGpuPolicy::Fail, 10.0);
    FAIL() << "no error without a GPU";
  } catch (const Error& e) {
    EXPECT_EQ(e.what(), "device cuda:0 is not available: " + gpu::availability().reason);
  }
}

#if RECUR_WITH_CUDA

// NCCL at world size 1 (a single GPU cannot host two NCCL ranks): every collective of a device
// tensor leaves it as it was, and a host tensor goes through the host communicator.
TEST(NcclCommunicator, CollectivesOfOneRank) {
  RECUR_SKIP_WITHOUT_GPU();
  const Device gpu = Device::cuda(0);
  auto comm = make_gpu_communicator(std::make_unique<SingleProcessCommunicator>(), gpu,
                                    SharedGpuPolicy::Fail, 60.0);
  EXPECT_NE(comm->description().find("NCCL"), std::string::npos) << comm->description();
  const Tensor values = test::random_tensor({1000}, 1, 1.0, 0.0, DType::F32);
  for (ReduceOp op : {ReduceOp::Sum, ReduceOp::Average}) {
    Tensor on_gpu = values.to(gpu);
    auto pending = comm->all_reduce_async(on_gpu, op, "test all-reduce");
    pending->wait();  // orders the compute stream only: the host reads below wait for it
    EXPECT_EQ(test::relative_difference(on_gpu.to(Device::cpu()), values), 0.0);
    EXPECT_TRUE(pending->done());
    EXPECT_GE(pending->seconds(), 0.0);
  }
  Tensor broadcast = values.to(gpu);
  comm->broadcast(broadcast, 0);
  Tensor gathered = Tensor::zeros({1000}, DType::F32, gpu);
  comm->all_gather(values.to(gpu), gathered);
  Tensor scattered = Tensor::zeros({1000}, DType::F32, gpu);
  comm->reduce_scatter(values.to(gpu), scattered, ReduceOp::Sum);
  for (const Tensor* t : {&broadcast, &gathered, &scattered})
    EXPECT_EQ(test::relative_difference(t->to(Device::cpu()), values), 0.0);
  Tensor host = values.clone();
  comm->all_reduce(host);
  EXPECT_EQ(test::relative_difference(host, values), 0.0);
}

constexpr double kF32Tolerance = 1e-5;  // the parity bound for f32 without TF32
constexpr double kF64Tolerance = 1e-12;

class CudaParity : public test::GpuTest {
 protected:
  double tolerance() const { return dtype() == DType::F32 ? kF32Tolerance : kF64Tolerance; }
  // Runs `run(device, tensors)` on host copies and on device copies of `inputs` and compares
  // every tensor afterwards (kernels write into their inputs).
  template <class Run>
  void expect_parity(std::vector<Tensor> inputs, Run run) const {
    std::vector<Tensor> on_gpu;
    for (const Tensor& t : inputs)
      on_gpu.push_back(t.to(gpu()));
    run(Device::cpu(), inputs);
    run(gpu(), on_gpu);
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (inputs[i].dtype() == DType::I32) continue;  // ids and lengths: read only
      EXPECT_LE(test::norm_relative_error(on_gpu[i].to(Device::cpu()), inputs[i]), tolerance())
          << "tensor " << i;
    }
  }
};

TEST_P(CudaParity, CopiesAndFillsExactly) {
  const Tensor host = random({5, 7}, 1);
  const Tensor back = host.to(gpu()).to(Device::cpu());
  EXPECT_EQ(test::norm_relative_error(back, host), 0.0);
  Tensor filled = Tensor::empty({1000}, dtype(), gpu());
  filled.fill(2.5);
  EXPECT_EQ(filled.item(999), 2.5);
  Tensor view = filled.view(10, {5});
  view.zero();
  EXPECT_EQ(filled.item(9), 2.5);
  EXPECT_EQ(filled.item(10), 0.0);
  EXPECT_EQ(filled.item(14), 0.0);
  EXPECT_EQ(filled.item(15), 2.5);
}

TEST_P(CudaParity, ElementwiseKernels) {
  const int64_t rows = 33, cols = 70, n = rows * cols;  // not a multiple of a block
  dispatch_float(dtype(), [&]<class T>() {
    expect_parity({random({n}, 1), random({n}, 2), random({n}, 3)}, [&](Device d,
                                                                        std::vector<Tensor>& t) {
      kernels::add<T>(d, n, t[0].device_data<T>(), t[1].device_data<T>(), t[2].device_data<T>());
      kernels::axpy<T>(d, n, T(0.5), t[2].device_data<T>(), t[0].device_data<T>());
      kernels::mul<T>(d, n, t[0].device_data<T>(), t[2].device_data<T>(), t[1].device_data<T>());
      kernels::mul_accumulate<T>(d, n, t[0].device_data<T>(), t[1].device_data<T>(),
                                 t[2].device_data<T>());
      kernels::scale<T>(d, n, T(-1.5), t[2].device_data<T>());
    });
    expect_parity(
        {random({rows, cols}, 4), random({cols}, 5), random({rows}, 6), random({rows, cols}, 7)},
        [&](Device d, std::vector<Tensor>& t) {
          kernels::add_bias<T>(d, rows, cols, t[1].device_data<T>(), t[0].device_data<T>());
          kernels::sum_rows_accumulate<T>(d, rows, cols, t[0].device_data<T>(),
                                          t[1].device_data<T>());
          kernels::scale_rows<T>(d, rows, cols, t[0].device_data<T>(), t[2].device_data<T>(),
                                 t[3].device_data<T>());
        });
    // The row moves of concat and slice: copy_rows (a 5-column block out of the middle, both
    // ways) and broadcast_rows.
    expect_parity(
        {random({6, 9}, 8), random({6, 5}, 9), random({6, 9}, 10), random({9}, 11),
         random({6, 9}, 12), random({20}, 13), random({1}, 14)},
        [&](Device d, std::vector<Tensor>& t) {
          kernels::copy_rows<T>(d, 6, 5, t[0].device_data<T>() + 2, 9, t[1].device_data<T>(), 5,
                                true);
          kernels::copy_rows<T>(d, 6, 5, t[1].device_data<T>(), 5, t[2].device_data<T>() + 3, 9,
                                false);
          kernels::broadcast_rows<T>(d, 6, 9, t[3].device_data<T>(), t[4].device_data<T>());
          kernels::add_scalar<T>(d, 20, t[6].device_data<T>(), 0.75, t[5].device_data<T>());
          kernels::copy<T>(d, 9, t[5].device_data<T>() + 4, t[0].device_data<T>());
        });
  });
}

TEST_P(CudaParity, ActivationsForwardAndBackward) {
  const int64_t n = 5000;
  for (Activation f : {Activation::Sigmoid, Activation::Tanh, Activation::Relu}) {
    dispatch_float(dtype(), [&]<class T>() {
      expect_parity({random({n}, 1), Tensor::zeros({n}, dtype()), random({n}, 2), random({n}, 3)},
                    [&](Device d, std::vector<Tensor>& t) {
                      kernels::activation_forward<T>(d, f, n, t[0].device_data<T>(),
                                                     t[1].device_data<T>());
                      kernels::activation_backward<T>(d, f, n, t[1].device_data<T>(),
                                                      t[2].device_data<T>(), t[3].device_data<T>());
                    });
    });
  }
}

TEST_P(CudaParity, SumsAreDeterministicAndMatchTheHost) {
  const int64_t n = 1'000'003;
  const Tensor host = random({n}, 1, 0.25);
  const Tensor device = host.to(gpu());
  dispatch_float(dtype(), [&]<class T>() {
    // (0.5 sum(x) in T, sum(x^2) in double), both left on the device by the kernels.
    const auto sums = [&](const Tensor& x) {
      Tensor half_sum = Tensor::zeros({1}, dtype(), x.device());
      Tensor squares = Tensor::zeros({1}, DType::F64, x.device());
      kernels::sum<T>(x.device(), n, x.device_data<T>(), 0.5, half_sum.device_data<T>());
      kernels::sum_squares<T>(x.device(), n, x.device_data<T>(), squares.device_data<double>());
      return std::pair{half_sum.item(), squares.item()};
    };
    const auto expected = sums(host);
    const auto first = sums(device);
    EXPECT_EQ(first, sums(device));
    EXPECT_NEAR(first.first, expected.first, tolerance() * std::max(1.0, std::abs(expected.first)));
    EXPECT_NEAR(first.second, expected.second, 1e-9 * expected.second);
  });
}

TEST_P(CudaParity, GemmInEveryTransposition) {
  const int64_t m = 37, n = 29, k = 41;
  for (bool trans_a : {false, true}) {
    for (bool trans_b : {false, true}) {
      dispatch_float(dtype(), [&]<class T>() {
        const Shape a_shape = trans_a ? Shape{k, m} : Shape{m, k};
        const Shape b_shape = trans_b ? Shape{n, k} : Shape{k, n};
        expect_parity({random(a_shape, 1), random(b_shape, 2), random({m, n}, 3)},
                      [&](Device d, std::vector<Tensor>& t) {
                        kernels::gemm<T>(d, trans_a, trans_b, m, n, k, T(0.7),
                                         t[0].device_data<T>(), t[1].device_data<T>(), T(0.3),
                                         t[2].device_data<T>());
                      });
      });
    }
  }
}

TEST_P(CudaParity, SoftmaxAndLogSoftmaxForwardAndBackward) {
  const int64_t rows = 19, cols = 1000;  // a row longer than a block of threads
  dispatch_float(dtype(), [&]<class T>() {
    expect_parity({random({rows, cols}, 1), Tensor::zeros({rows, cols}, dtype()),
                   random({rows, cols}, 2), random({rows, cols}, 3)},
                  [&](Device d, std::vector<Tensor>& t) {
                    kernels::softmax_forward<T>(d, rows, cols, t[0].device_data<T>(),
                                                t[1].device_data<T>());
                    kernels::softmax_backward<T>(d, rows, cols, t[1].device_data<T>(),
                                                 t[2].device_data<T>(), t[3].device_data<T>());
                  });
    expect_parity({random({rows, cols}, 4), Tensor::zeros({rows, cols}, dtype()),
                   random({rows, cols}, 5), random({rows, cols}, 6)},
                  [&](Device d, std::vector<Tensor>& t) {
                    kernels::log_softmax_forward<T>(d, rows, cols, t[0].device_data<T>(),
                                                    t[1].device_data<T>());
                    kernels::log_softmax_backward<T>(d, rows, cols, t[1].device_data<T>(),
                                                     t[2].device_data<T>(), t[3].device_data<T>());
                  });
  });
}

TEST_P(CudaParity, CrossEntropyWithIgnoredRowsAndLabelSmoothing) {
  const int64_t rows = 23, cols = 517;
  const int32_t ignore = 0;
  Tensor targets = test::random_ids({rows}, 1, static_cast<int32_t>(cols));
  targets.data<int32_t>()[3] = targets.data<int32_t>()[11] = ignore;
  for (double smoothing : {0.0, 0.1}) {
    dispatch_float(dtype(), [&]<class T>() {
      // t[4]: the loss (scaled by 1/7), t[5]: the nll sum, t[6]: the loss's gradient.
      expect_parity({random({rows, cols}, 2, 3.0), Tensor::zeros({rows, cols}, dtype()),
                     random({rows, cols}, 3), targets, Tensor::zeros({1}, dtype()),
                     Tensor::zeros({1}, DType::F64), Tensor::full({1}, dtype(), 0.25)},
                    [&](Device d, std::vector<Tensor>& t) {
                      kernels::cross_entropy_forward<T>(
                          d, rows, cols, t[0].device_data<T>(), t[3].device_data<int32_t>(), ignore,
                          smoothing, 1.0 / 7, t[1].device_data<T>(), t[4].device_data<T>(),
                          t[5].device_data<double>());
                      kernels::cross_entropy_backward<T>(
                          d, rows, cols, t[1].device_data<T>(), t[3].device_data<int32_t>(), ignore,
                          smoothing, t[6].device_data<T>(), 2.0, t[2].device_data<T>());
                    });
    });
  }
}

TEST_P(CudaParity, NegativeSamplingLossWithEmptySlots) {
  const int64_t batch = 37, slots = 10, samples = 6, dim = 50;
  dispatch_float(dtype(), [&]<class T>() {
    Tensor weights = Tensor::full({batch, slots}, dtype(), 1.0);
    for (int64_t i = 0; i < batch * slots; i += 7)
      weights.data<T>()[i] = T(0);
    // t[3]: sigmoids, t[4]: the loss (scaled by 1/9), t[5]: the sum, t[6]: the loss's gradient.
    expect_parity({random({batch, dim}, 1), random({batch, slots, samples, dim}, 2), weights,
                   Tensor::zeros({batch, slots, samples}, dtype()), Tensor::zeros({1}, dtype()),
                   Tensor::zeros({1}, DType::F64), Tensor::full({1}, dtype(), 0.5),
                   random({batch, dim}, 3), random({batch, slots, samples, dim}, 4)},
                  [&](Device d, std::vector<Tensor>& t) {
                    kernels::negative_sampling_forward<T>(
                        d, batch, slots, samples, dim, t[0].device_data<T>(), t[1].device_data<T>(),
                        t[2].device_data<T>(), 1.0 / 9, t[3].device_data<T>(),
                        t[4].device_data<T>(), t[5].device_data<double>());
                    kernels::negative_sampling_backward<T>(
                        d, batch, slots, samples, dim, t[0].device_data<T>(), t[1].device_data<T>(),
                        t[2].device_data<T>(), t[3].device_data<T>(), t[6].device_data<T>(), 2.0,
                        t[7].device_data<T>(), t[8].device_data<T>());
                  });
  });
}

TEST_P(CudaParity, EmbeddingGatherAndScatterWithRepeatedIds) {
  const int64_t n = 300, vocab = 40, dim = 300;  // every id repeats
  const Tensor ids = test::random_ids({n}, 1, static_cast<int32_t>(vocab));
  const kernels::IdGroups groups = kernels::group_ids(ids.data<int32_t>(), n);
  const Tensor order = Tensor::from_vector(groups.order, {n});
  const Tensor starts = Tensor::from_vector(groups.starts, {groups.groups() + 1});
  dispatch_float(dtype(), [&]<class T>() {
    expect_parity({random({vocab, dim}, 2), Tensor::zeros({n, dim}, dtype()), random({n, dim}, 3),
                   random({vocab, dim}, 4), ids, order, starts},
                  [&](Device d, std::vector<Tensor>& t) {
                    kernels::embedding_forward<T>(d, n, dim, t[4].device_data<int32_t>(),
                                                  t[0].device_data<T>(), t[1].device_data<T>());
                    kernels::embedding_backward<T>(
                        d, groups.groups(), dim, t[4].device_data<int32_t>(),
                        t[5].device_data<int32_t>(), t[6].device_data<int32_t>(),
                        t[2].device_data<T>(), t[3].device_data<T>());
                  });
  });
}

TEST_P(CudaParity, DropoutMasksAreTheHostMasks) {
  const RandomStream stream(7, RngPurpose::Dropout, 3, 5);
  const int64_t steps = 7, batch = 5, width = 13;  // rows that start mid-way through a block
  dispatch_float(dtype(), [&]<class T>() {
    Tensor host = Tensor::zeros({steps, batch, width}, dtype());
    Tensor device = Tensor::zeros({steps, batch, width}, dtype(), gpu());
    cpu::dropout_mask<T>(stream, steps, batch, width, 11, 3, 0.3, host.data<T>());
    cuda::dropout_mask<T>(stream, steps, batch, width, 11, 3, 0.3, device.device_data<T>());
    EXPECT_EQ(test::norm_relative_error(device.to(Device::cpu()), host), 0.0);
  });
}

TEST_P(CudaParity, SgdAndAdamUpdates) {
  const int64_t n = 10007;
  dispatch_float(dtype(), [&]<class T>() {
    expect_parity({random({n}, 1), random({n}, 2), random({n}, 3, 0.1)},
                  [&](Device d, std::vector<Tensor>& t) {
                    kernels::sgd_update<T>(d, n, t[0].device_data<T>(), t[1].device_data<T>(),
                                           t[2].device_data<T>(), 0.1, 0.9, 1e-4, true, nullptr);
                  });
    // exp_avg_sq must be non-negative.
    expect_parity({random({n}, 4), random({n}, 5), random({n}, 6, 0.1), random({n}, 7, 0.01, 0.1)},
                  [&](Device d, std::vector<Tensor>& t) {
                    for (int64_t step = 1; step <= 3; ++step) {
                      kernels::adam_update<T>(d, n, t[0].device_data<T>(), t[1].device_data<T>(),
                                              t[2].device_data<T>(), t[3].device_data<T>(), 1e-3,
                                              0.9, 0.999, 1e-8, 0.01, step == 2, step, nullptr);
                    }
                  });
  });
}

// Clipping by a norm the device holds, counted in t[6] (the first call clips, the second skips),
// and the mark a non-finite norm leaves (t[3] becomes 5; the gradients stay), which then gates the
// update: the parameters t[5] do not move.
TEST_P(CudaParity, ClippingAndTheDivergenceGate) {
  const int64_t n = 10007;
  dispatch_float(dtype(), [&]<class T>() {
    expect_parity(
        {random({n}, 1), Tensor::full({1}, DType::F64, 4.0 * n),
         Tensor::full({1}, DType::F64, INFINITY), Tensor::zeros({1}, DType::F64), random({n}, 2),
         random({n}, 3), Tensor::zeros({1}, DType::F64)},
        [&](Device d, std::vector<Tensor>& t) {
          double* diverged_at = t[3].device_data<double>();
          double* clipped = t[6].device_data<double>();
          kernels::clip_gradients<T>(d, n, t[0].device_data<T>(), t[1].device_data<double>(), 1.0,
                                     4, diverged_at, clipped);
          kernels::clip_gradients<T>(d, n, t[4].device_data<T>(), t[2].device_data<double>(), 1.0,
                                     5, diverged_at, clipped);
          kernels::sgd_update<T>(d, n, t[5].device_data<T>(), t[4].device_data<T>(), nullptr, 0.1,
                                 0.0, 0.0, false, diverged_at);
          t[2].zero();  // compared afterwards: a finite value
        });
  });
}

TEST_P(CudaParity, LstmAndGruCellsForwardAndBackward) {
  const int64_t batch = 9, hidden = 70;
  dispatch_float(dtype(), [&]<class T>() {
    const Tensor lengths = Tensor::from_vector<int32_t>({1, 3, 4, 5, 6, 7, 8, 9, 9}, {batch});
    Tensor keep = Tensor::full({batch}, dtype(), 1.0);  // row 5 starts a new sequence next
    keep.data<T>()[5] = T(0);
    expect_parity({random({batch, 4 * hidden}, 1), random({batch, hidden}, 2),
                   Tensor::zeros({batch, hidden}, dtype()), Tensor::zeros({batch, hidden}, dtype()),
                   random({batch, hidden}, 3), random({batch, hidden}, 4),
                   random({batch, hidden}, 9), lengths, keep,
                   Tensor::zeros({batch, hidden}, dtype()), Tensor::zeros({batch, hidden}, dtype()),
                   random({batch, hidden}, 10), Tensor::zeros({batch, hidden}, dtype())},
                  [&](Device d, std::vector<Tensor>& t) {
                    RnnStepIo<T> io;  // rows 0-2 padded at step 4; keep factors for the next
                    io.h_prev = t[6].device_data<T>();
                    io.lengths = t[7].device_data<int32_t>();
                    io.t = 4;
                    io.keep_next = t[8].device_data<T>();
                    io.y = t[3].device_data<T>();
                    io.next_h = t[9].device_data<T>();
                    io.next_c = t[10].device_data<T>();
                    kernels::lstm_step_forward<T>(d, batch, hidden, t[0].device_data<T>(),
                                                  t[1].device_data<T>(), t[2].device_data<T>(), io);
                    RnnStepGrads<T> grads;  // the same padding, keep factors before and after
                    grads.dy = t[11].device_data<T>();
                    grads.dh = t[4].device_data<T>();
                    grads.keep_after = t[8].device_data<T>();
                    grads.lengths = t[7].device_data<int32_t>();
                    grads.t = 4;
                    grads.keep = t[8].device_data<T>();
                    grads.dh_prev = t[12].device_data<T>();
                    grads.dc = t[5].device_data<T>();
                    kernels::lstm_step_backward<T>(d, batch, hidden, t[0].device_data<T>(),
                                                   t[1].device_data<T>(), t[2].device_data<T>(),
                                                   grads);
                  });
    expect_parity({random({batch, 3 * hidden}, 5), random({batch, 3 * hidden}, 6),
                   random({batch, hidden}, 7), Tensor::zeros({batch, hidden}, dtype()),
                   random({batch, hidden}, 8), Tensor::zeros({batch, hidden}, dtype()), lengths,
                   keep, Tensor::zeros({batch, hidden}, dtype()), random({batch, hidden}, 11)},
                  [&](Device d, std::vector<Tensor>& t) {
                    RnnStepIo<T> io;
                    io.h_prev = t[2].device_data<T>();
                    io.lengths = t[6].device_data<int32_t>();
                    io.t = 4;
                    io.keep_next = t[7].device_data<T>();
                    io.y = t[3].device_data<T>();
                    io.next_h = t[8].device_data<T>();
                    kernels::gru_step_forward<T>(d, batch, hidden, t[0].device_data<T>(),
                                                 t[1].device_data<T>(), io);
                    RnnStepGrads<T> grads;
                    grads.dy = t[9].device_data<T>();
                    grads.dh = t[4].device_data<T>();
                    grads.keep_after = t[7].device_data<T>();
                    grads.lengths = t[6].device_data<int32_t>();
                    grads.t = 4;
                    grads.dh_prev = t[5].device_data<T>();
                    kernels::gru_step_backward<T>(d, batch, hidden, t[0].device_data<T>(),
                                                  t[1].device_data<T>(), t[2].device_data<T>(),
                                                  grads);
                  });
  });
}

TEST_P(CudaParity, LayerNormForwardAndBackward) {
  const int64_t rows = 21, dim = 300;
  dispatch_float(dtype(), [&]<class T>() {
    expect_parity({random({rows, dim}, 1, 2.0, 0.5), random({dim}, 2, 0.1, 1.0), random({dim}, 3),
                   Tensor::zeros({rows, dim}, dtype()), Tensor::zeros({rows}, dtype()),
                   Tensor::zeros({rows}, dtype()), random({rows, dim}, 4), random({rows, dim}, 5),
                   random({dim}, 6), random({dim}, 7)},
                  [&](Device d, std::vector<Tensor>& t) {
                    kernels::layer_norm_forward<T>(d, rows, dim, 1e-5, t[0].device_data<T>(),
                                                   t[1].device_data<T>(), t[2].device_data<T>(),
                                                   t[3].device_data<T>(), t[4].device_data<T>(),
                                                   t[5].device_data<T>());
                    kernels::layer_norm_backward<T>(
                        d, rows, dim, t[0].device_data<T>(), t[1].device_data<T>(),
                        t[4].device_data<T>(), t[5].device_data<T>(), t[6].device_data<T>(),
                        t[7].device_data<T>(), t[8].device_data<T>(), t[9].device_data<T>());
                  });
  });
}

TEST_P(CudaParity, MultiHeadAttentionPaddedAndCausal) {
  for (bool causal : {false, true}) {
    const MultiHeadDims d{.batch = 3,
                          .queries = causal ? 4 : 6,
                          .keys = 9,
                          .heads = 4,
                          .key_dim = 8,
                          .value_dim = 5,
                          .causal = causal};
    const Tensor lengths = Tensor::from_vector<int32_t>({9, 5, 1}, {3});
    const int64_t qk = d.heads * d.key_dim, vd = d.heads * d.value_dim;
    dispatch_float(dtype(), [&]<class T>() {
      expect_parity({random({d.batch, d.queries, qk}, 1), random({d.batch, d.keys, qk}, 2),
                     random({d.batch, d.keys, vd}, 3), lengths,
                     Tensor::zeros({d.batch, d.heads, d.queries, d.keys}, dtype()),
                     Tensor::zeros({d.batch, d.queries, vd}, dtype()),
                     random({d.batch, d.queries, vd}, 4), random({d.batch, d.queries, qk}, 5),
                     random({d.batch, d.keys, qk}, 6), random({d.batch, d.keys, vd}, 7)},
                    [&](Device dev, std::vector<Tensor>& t) {
                      kernels::multi_head_attention_forward<T>(
                          dev, d, t[0].device_data<T>(), t[1].device_data<T>(),
                          t[2].device_data<T>(), t[3].device_data<int32_t>(), t[4].device_data<T>(),
                          t[5].device_data<T>());
                      kernels::multi_head_attention_backward<T>(
                          dev, d, t[0].device_data<T>(), t[1].device_data<T>(),
                          t[2].device_data<T>(), t[4].device_data<T>(), t[6].device_data<T>(),
                          t[7].device_data<T>(), t[8].device_data<T>(), t[9].device_data<T>());
                    });
    });
  }
}

// Global, and local with windows of half width 3 around centres t[12] (row 2's window lies past its
// only real position: its weights and context are 0); the centres' gradients in t[13].
TEST_P(CudaParity, AttentionStepDotAndAdditiveGlobalAndLocal) {
  const AttentionDims d{.batch = 4, .source = 11, .key = 40, .value = 30};
  const Tensor lengths = Tensor::from_vector<int32_t>({11, 7, 1, 3}, {4});
  const Tensor centers = Tensor::from_vector<double>({5.3, 0.6, 8.0, 2.5}, {4});
  for (auto [score, local] :
       {std::pair{AttentionScore::Dot, false}, std::pair{AttentionScore::Additive, false},
        std::pair{AttentionScore::Dot, true}, std::pair{AttentionScore::Additive, true}}) {
    dispatch_float(dtype(), [&]<class T>() {
      expect_parity(
          {random({d.batch, d.key}, 1), random({d.batch, d.source, d.key}, 2),
           random({d.batch, d.source, d.value}, 3), lengths, random({d.key}, 4),
           Tensor::zeros({d.batch, d.source}, dtype()), Tensor::zeros({d.batch, d.value}, dtype()),
           random({d.batch, d.value}, 5), random({d.batch, d.key}, 6),
           random({d.batch, d.source, d.key}, 7), random({d.batch, d.source, d.value}, 8),
           random({d.key}, 9), centers.to(dtype()), Tensor::zeros({d.batch}, dtype())},
          [&](Device dev, std::vector<Tensor>& t) {
            const AttentionWindow<T> window =
                local ? AttentionWindow<T>{t[12].device_data<T>(), 3} : AttentionWindow<T>{};
            kernels::attention_forward<T>(dev, score, d, t[0].device_data<T>(),
                                          t[1].device_data<T>(), t[2].device_data<T>(),
                                          t[3].device_data<int32_t>(), t[4].device_data<T>(),
                                          window, t[5].device_data<T>(), t[6].device_data<T>());
            kernels::attention_backward<T>(
                dev, score, d, t[0].device_data<T>(), t[1].device_data<T>(), t[2].device_data<T>(),
                t[3].device_data<int32_t>(), t[4].device_data<T>(), window, t[5].device_data<T>(),
                t[7].device_data<T>(), t[8].device_data<T>(), t[9].device_data<T>(),
                t[10].device_data<T>(), t[11].device_data<T>(),
                local ? t[13].device_data<T>() : nullptr);
          });
    });
  }
}

TEST_P(CudaParity, DeviceBlocksAreCached) {
  CachingAllocator& allocator = gpu::device_allocator(0);
  const size_t before = allocator.stats().system_allocations;
  const float* first = Tensor::empty({123457}, DType::F32, gpu()).device_data<float>();
  const float* second = Tensor::empty({123000}, DType::F32, gpu()).device_data<float>();
  EXPECT_EQ(first, second);
  EXPECT_LE(allocator.stats().system_allocations, before + 1);
}

INSTANTIATE_TEST_SUITE_P(Dtypes, CudaParity, ::testing::Values(DType::F32, DType::F64),
                         [](const auto& test) { return std::string(dtype_name(test.param)); });

#else

TEST(CudaParity, NeedsTheCudaBackend) {
  RECUR_SKIP_WITHOUT_GPU();
}

#endif

}  // namespace
}  // namespace recur
