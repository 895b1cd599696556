#include "autograd/ops/rnn_common.h"

#include <algorithm>
#include <vector>

namespace recur::ops_detail {

namespace {

void check_resets(const char* op, int gates, const RnnDims& d, const Var& x,
                  const RnnLayerOptions& options) {
  const StateResets& r = options.resets;
  RECUR_ASSERT(options.keep.defined(), op, ": learned restarts without a keep mask");
  RECUR_ASSERT(r.h.shape() == Shape({d.hidden}) && (gates != 4 || r.c.shape() == Shape({d.hidden})),
               op, ": learned restart states ", r.h.shape().str(), " for hidden size ", d.hidden);
  RECUR_ASSERT(r.weight.shape() == Shape({d.steps, d.batch}) && r.weight.dtype() == x.dtype() &&
                   r.weight.device() == x.device() && std::ssize(r.at) == d.steps,
               op, ": restart weights ", r.weight.shape().str());
  check_same_dtype(x, r.h, op);
  device_of({&x, &r.h}, op);
  if (gates == 4) {
    check_same_dtype(x, r.c, op);
    device_of({&x, &r.c}, op);
  }
}

}  // namespace

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
  if (options.resets.defined()) check_resets(op, gates, d, x, options);
  if (options.lengths.defined()) {
    RECUR_ASSERT(
        options.lengths.shape() == Shape({d.batch}) && options.lengths.dtype() == DType::I32, op,
        ": lengths ", options.lengths.shape().str());
  }
  return d;
}

std::vector<const Var*> layer_inputs(const Var& x, const Var& h0, const Var* c0,
                                     const RnnWeights& w, const RnnLayerOptions& options) {
  std::vector<const Var*> inputs = {&x, &h0};
  if (c0 != nullptr) inputs.push_back(c0);
  for (const Var* v : {&w.w_ih, &w.w_hh, &w.b_ih, &w.b_hh})
    inputs.push_back(v);
  if (options.resets.defined()) {
    inputs.push_back(&options.resets.h);
    if (c0 != nullptr) inputs.push_back(&options.resets.c);
  }
  return inputs;
}

PaddingMask::PaddingMask(const Tensor& lengths, int64_t batch, Device device) {
  if (!lengths.defined()) return;
  RECUR_ASSERT(lengths.numel() == batch, "lengths for ", batch, " rows");
  const std::vector<int32_t> values = lengths.on(Device::cpu()).to_vector<int32_t>();
  min_length_ = *std::min_element(values.begin(), values.end());
  lengths_ = lengths.on(device);
}

}  // namespace recur::ops_detail

namespace recur {

StateResets StateResets::from_keep(const Tensor& keep, Device device) {
  RECUR_ASSERT(keep.device().is_cpu() && keep.shape().rank() == 2,
               "learned restarts need the keep mask (T, B) on the host");
  const int64_t steps = keep.dim(0), batch = keep.dim(1);
  StateResets r{Var(), Var(), Tensor::empty(keep.shape(), keep.dtype()),
                std::vector<bool>(static_cast<size_t>(steps), false)};
  dispatch_float(keep.dtype(), [&]<class T>() {
    const T* k = keep.data<T>();
    T* w = r.weight.data<T>();
    for (int64_t i = 0; i < steps * batch; ++i) {
      w[i] = T(1) - k[i];
      if (k[i] == T(0)) r.at[static_cast<size_t>(i / batch)] = true;
    }
  });
  r.weight = r.weight.on(device);
  return r;
}

}  // namespace recur
