#include "autograd/ops/rnn_common.h"

#include <algorithm>
#include <vector>

namespace recur::ops_detail {

RnnDims check_rnn_inputs(const char* op, int gates, const Var& x, const Var& h0,
                         const RnnWeights& w, const RnnLayerOptions& options) {
  RnnDims d;
  RECUR_ASSERT(x.shape().rank() == 3, op, ": input ", x.shape().str(), " is not (T, B, I)");
  d.steps = x.shape()[0];
  d.batch = x.shape()[1];
  d.input = x.shape()[2];
  d.hidden = w.w_hh.shape()[1];
  const int64_t g = gates * d.hidden;
  RECUR_ASSERT(w.w_ih.shape() == Shape({g, d.input}) && w.w_hh.shape() == Shape({g, d.hidden}) &&
                   w.b_ih.shape() == Shape({g}) && w.b_hh.shape() == Shape({g}),
               op, ": weights ", w.w_ih.shape().str(), " ", w.w_hh.shape().str(), " ",
               w.b_ih.shape().str(), " ", w.b_hh.shape().str(), " for input ", x.shape().str());
  RECUR_ASSERT(h0.shape() == Shape({d.batch, d.hidden}), op, ": initial state ", h0.shape().str());
  for (const Var* v : {&h0, &w.w_ih, &w.w_hh, &w.b_ih, &w.b_hh})
    check_same_dtype(x, *v, op);
  device_of({&x, &h0, &w.w_ih, &w.w_hh, &w.b_ih, &w.b_hh}, op);
  if (options.keep.defined()) {
    RECUR_ASSERT(options.keep.shape() == Shape({d.steps, d.batch}) &&
                     options.keep.dtype() == x.dtype() && options.keep.device() == x.device(),
                 op, ": keep mask ", options.keep.shape().str());
  }
  if (options.lengths.defined()) {
    RECUR_ASSERT(
        options.lengths.shape() == Shape({d.batch}) && options.lengths.dtype() == DType::I32, op,
        ": lengths ", options.lengths.shape().str());
  }
  return d;
}

PaddingMask::PaddingMask(const Tensor& lengths, int64_t batch, Device device) {
  if (!lengths.defined()) return;
  RECUR_ASSERT(lengths.numel() == batch, "lengths for ", batch, " rows");
  const std::vector<int32_t> values = lengths.on(Device::cpu()).to_vector<int32_t>();
  min_length_ = *std::min_element(values.begin(), values.end());
  lengths_ = lengths.on(device);
}

}  // namespace recur::ops_detail
