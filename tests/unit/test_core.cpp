// Core: tensors, the caching allocator, the counter-based RNG, threads.
#include <set>

#include "core/allocator.h"
#include "core/file_hash.h"
#include "core/gpu.h"
#include "core/threads.h"
#include "kernels/cpu/dropout.h"
#include "kernels/element_math.h"
#include "test_util.h"

namespace recur::test {
namespace {

TEST(Philox, MatchesRandom123KnownAnswers) {
  using A4 = std::array<uint32_t, 4>;
  EXPECT_EQ(philox4x32({0, 0, 0, 0}, {0, 0}), (A4{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}));
  EXPECT_EQ(philox4x32({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff}),
            (A4{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}));
  EXPECT_EQ(philox4x32({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0}),
            (A4{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}));
}

TEST(RandomStream, StreamsAreKeyedByEveryTag) {
  std::set<uint32_t> seen;
  for (uint64_t seed : {1, 2}) {
    for (RngPurpose p : {RngPurpose::Init, RngPurpose::Dropout}) {
      for (uint64_t a : {0, 1})
        seen.insert(RandomStream(seed, p, a).bits(0, 0));
    }
  }
  EXPECT_EQ(seen.size(), 8u);
  RandomStream s(7, RngPurpose::Data);
  EXPECT_EQ(s.bits(3, 10), RandomStream(7, RngPurpose::Data).bits(3, 10));
  EXPECT_NE(s.bits(3, 10), s.bits(4, 10));
}

TEST(RandomStream, UniformAndNormalMoments) {
  RandomStream s(3, RngPurpose::Test);
  const int n = 200000;
  double su = 0, sn = 0, sn2 = 0;
  for (int i = 0; i < n; ++i) {
    const float u = s.uniform(0, i);
    ASSERT_GE(u, 0.0f);
    ASSERT_LT(u, 1.0f);
    su += u;
    const double z = s.normal(1, i);
    sn += z;
    sn2 += z * z;
  }
  EXPECT_NEAR(su / n, 0.5, 0.005);
  EXPECT_NEAR(sn / n, 0.0, 0.01);
  EXPECT_NEAR(sn2 / n, 1.0, 0.01);
}

TEST(Dropout, MaskOfARowDoesNotDependOnHowTheBatchIsSplit) {
  RandomStream s(11, RngPurpose::Dropout, 5, 9);
  const int64_t steps = 3, batch = 4, width = 7;
  std::vector<float> whole(static_cast<size_t>(steps * batch * width));
  cpu::dropout_mask<float>(s, steps, batch, width, 0, 0, 0.4, whole.data());
  // Two "ranks" of two rows each.
  for (int64_t rank = 0; rank < 2; ++rank) {
    std::vector<float> part(static_cast<size_t>(steps * 2 * width));
    cpu::dropout_mask<float>(s, steps, 2, width, rank * 2, 0, 0.4, part.data());
    for (int64_t t = 0; t < steps; ++t) {
      for (int64_t b = 0; b < 2; ++b) {
        for (int64_t j = 0; j < width; ++j) {
          EXPECT_EQ(part[static_cast<size_t>((t * 2 + b) * width + j)],
                    whole[static_cast<size_t>((t * batch + rank * 2 + b) * width + j)]);
        }
      }
    }
  }
  // Step by step (time_offset) draws what the whole sequence draws.
  for (int64_t t = 0; t < steps; ++t) {
    std::vector<float> one(static_cast<size_t>(batch * width));
    cpu::dropout_mask<float>(s, 1, batch, width, 0, t, 0.4, one.data());
    for (size_t k = 0; k < one.size(); ++k)
      EXPECT_EQ(one[k], whole[static_cast<size_t>(t * batch * width) + k]);
  }
  int dropped = 0;
  for (float m : whole) {
    EXPECT_TRUE(m == 0.0f || std::fabs(m - 1.0f / 0.6f) < 1e-6f);
    dropped += m == 0.0f;
  }
  EXPECT_GT(dropped, 10);
  EXPECT_LT(dropped, 60);
}

TEST(Tensor, ViewsShareStorage) {
  Tensor flat = Tensor::zeros({10}, DType::F32);
  Tensor v = flat.view(4, {2, 3});
  v.fill(2.0);
  EXPECT_EQ(flat.item(3), 0.0);
  EXPECT_EQ(flat.item(4), 2.0);
  EXPECT_EQ(flat.item(9), 2.0);
  Tensor rows = Tensor::from_vector<float>({1, 2, 3, 4, 5, 6}, {3, 2}).slice_rows(1, 3);
  EXPECT_EQ(rows.shape(), Shape({2, 2}));
  EXPECT_EQ(rows.item(0), 3.0);
  EXPECT_EQ(rows.to(DType::F64).item(3), 6.0);
}

TEST(Tensor, WrongDtypeAccessIsAnError) {
  Tensor t = Tensor::zeros({2}, DType::F32);
  EXPECT_THROW(t.data<double>(), Error);
  // A GPU past the last one this machine has (cuda:0 without GPUs) cannot hold a tensor.
  EXPECT_THROW(Tensor::zeros({2}, DType::F32, Device::cuda(gpu::availability().devices)), Error);
}

TEST(Device, ParsesAndSpreadsRanksOverTheGpusOfANode) {
  EXPECT_EQ(Device::parse("cuda:3"), Device::cuda(3));
  EXPECT_EQ(Device::try_parse("gpu"), std::nullopt);
  EXPECT_EQ(Device::try_parse("cuda:-1"), std::nullopt);
  EXPECT_EQ(Device::try_parse("cuda:1x"), std::nullopt);
  // Plain "cuda": local rank modulo the node's GPUs; "cuda:N": GPU N for every rank.
  EXPECT_EQ(Device::for_local_rank("cuda", 5, 4), Device::cuda(1));
  EXPECT_EQ(Device::for_local_rank("cuda", 2, 8), Device::cuda(2));
  EXPECT_EQ(Device::for_local_rank("cuda:1", 5, 4), Device::cuda(1));
  EXPECT_EQ(Device::for_local_rank("cpu", 5, 4), Device::cpu());
  // Without GPUs it is cuda:0, which gpu::require() then refuses with the reason.
  EXPECT_EQ(Device::for_local_rank("cuda", 3, 0), Device::cuda(0));
  try {
    Device::parse("tpu");
    FAIL() << "no error for tpu";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "unknown device 'tpu' (expected cpu, cuda or cuda:N)");
  }
}

TEST(CachingAllocator, ReusesFreedBlocks) {
  CachingAllocator alloc(host_blocks());
  void* a = alloc.allocate(100000);
  alloc.release(a, 100000);
  void* b = alloc.allocate(99000);  // same size class
  EXPECT_EQ(a, b);
  EXPECT_EQ(alloc.stats().system_allocations, 1u);
  alloc.release(b, 99000);
  EXPECT_EQ(CachingAllocator::rounded_size(1), 64u);
  EXPECT_EQ(CachingAllocator::rounded_size(3000), 4096u);
  EXPECT_LE(CachingAllocator::rounded_size(100001), 100001u * 9 / 8);
}

TEST(CachingAllocator, ServesARequestFromTheSmallestCachedBlockThatFits) {
  CachingAllocator alloc(host_blocks());
  void* big = alloc.allocate(300000);
  void* medium = alloc.allocate(150000);
  void* small = alloc.allocate(10000);
  alloc.release(big, 300000);
  alloc.release(medium, 150000);
  alloc.release(small, 10000);
  void* first = alloc.allocate(120000);
  EXPECT_EQ(first, medium);  // best fit, not the first cached or the largest
  void* second = alloc.allocate(200000);
  EXPECT_EQ(second, big);              // the next fit, within twice the request
  void* fresh = alloc.allocate(4000);  // the cached 10000 would waste more than half
  EXPECT_NE(fresh, small);
  EXPECT_EQ(alloc.stats().system_allocations, 4u);
  alloc.release(fresh, 4000);
  EXPECT_EQ(alloc.stats().bytes_cached,
            CachingAllocator::rounded_size(10000) + CachingAllocator::rounded_size(4000));
  alloc.release(first, 120000);
  alloc.release(second, 200000);
}

TEST(Threads, AutoDividesCoresAmongTheRanksSharingThem) {
  ThreadSetup one = configure_threads(0, 1);
  EXPECT_EQ(one.threads, available_cores());
  ThreadSetup many = configure_threads(0, 64);
  EXPECT_EQ(many.threads, 1);
  EXPECT_EQ(configure_threads(1, 1).threads, 1);
  EXPECT_NE(one.blas.find("OpenBLAS"), std::string::npos);
}

TEST(Math, FastFloatExpAndTanhAreAccurate) {
  for (float x = -80.0f; x < 80.0f; x += 0.37f) {
    EXPECT_NEAR(kernels::exp_fast(x) / std::exp(x), 1.0f, 4e-7f) << x;
  }
  for (float x = -10.0f; x < 10.0f; x += 0.013f) {
    EXPECT_NEAR(kernels::tanh_of(x), std::tanh(x), 2e-7f) << x;
  }
  EXPECT_TRUE(std::isnan(kernels::exp_fast(NAN)));
}

TEST(StreamHash, BytesGivenInPiecesHashAsAllAtOnce) {
  std::vector<unsigned char> bytes(1000);
  for (size_t i = 0; i < bytes.size(); ++i)
    bytes[i] = static_cast<unsigned char>(i * 31 + 7);
  for (size_t total : {0, 1, 31, 32, 33, 64, 999, 1000}) {
    StreamHash pieces(5);
    size_t done = 0;
    for (size_t piece = 1; done < total; piece = piece * 3 % 41 + 1) {
      const size_t n = std::min(piece, total - done);
      pieces.add(bytes.data() + done, n);
      done += n;
    }
    EXPECT_EQ(pieces.finish(), hash_bytes(bytes.data(), total, 5)) << total << " bytes";
  }
  EXPECT_NE(hash_bytes(bytes.data(), 64), hash_bytes(bytes.data(), 63));
  // The values of the one-shot hash that checkpoint manifests were written with (f434b48).
  EXPECT_EQ(hex64(hash_bytes(bytes.data(), 100, 5)), "23a76069b975cd80");
  EXPECT_EQ(hex64(hash_bytes(bytes.data(), 0)), "1f1e8c2487089c79");
}

}  // namespace
}  // namespace recur::test
