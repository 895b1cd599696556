#include "dist/gradient_reducer.h"

#include <chrono>

#include "core/rng.h"

namespace recur {

GradientReducer::GradientReducer(ParameterStore& store, Communicator& comm, int64_t bucket_bytes)
    : store_(store), comm_(comm) {
  RECUR_ASSERT(store.materialized(), "GradientReducer before materialize()");
  const auto& params = store.parameters();
  bucket_of_.assign(params.size(), -1);
  const int64_t element = static_cast<int64_t>(dtype_size(store.grads().dtype()));
  int64_t end = store.trainable_size();  // frozen parameters come after it and get no gradient
  for (size_t k = params.size(); k-- > 0;) {
    const Parameter& p = *params[k];
    if (p.frozen()) continue;
    if (buckets_.empty() ||
        (buckets_.back().end - buckets_.back().begin) * element >= bucket_bytes) {
      buckets_.push_back({p.offset(), end, 0, 0, nullptr});
    }
    Bucket& b = buckets_.back();
    b.begin = p.offset();
    b.parameters += 1;
    bucket_of_[k] = static_cast<int32_t>(buckets_.size() - 1);
    // The next (earlier) parameter's range runs up to this one's offset (alignment gaps are
    // zeros everywhere).
    end = p.offset();
  }
}

void GradientReducer::attach(Tape& tape) {
  if (comm_.world_size() == 1) return;
  tape.on_gradient_ready([this](int32_t p) { on_gradient_ready(p); });
}

void GradientReducer::on_gradient_ready(int32_t parameter) {
  if (observer_) observer_({ReducerEvent::Kind::GradientReady, parameter});
  const auto b = static_cast<size_t>(bucket_of_[static_cast<size_t>(parameter)]);
  if (++buckets_[b].ready == buckets_[b].parameters) start_ready_buckets();
}

void GradientReducer::start_ready_buckets() {
  while (next_bucket_ < buckets_.size() &&
         buckets_[next_bucket_].ready == buckets_[next_bucket_].parameters) {
    start(next_bucket_++);
  }
}

void GradientReducer::start(size_t b) {
  Bucket& bucket = buckets_[b];
  Tensor range = store_.grads().view(bucket.begin, {bucket.end - bucket.begin});
  bucket.pending =
      comm_.all_reduce_async(range, ReduceOp::Sum, concat("all-reduce of gradient bucket ", b));
  if (observer_) observer_({ReducerEvent::Kind::BucketStarted, static_cast<int32_t>(b)});
}

double GradientReducer::finish() {
  if (comm_.world_size() == 1) return 0.0;
  while (next_bucket_ < buckets_.size())
    start(next_bucket_++);
  const auto wait_start = std::chrono::steady_clock::now();
  for (Bucket& bucket : buckets_) {
    bucket.pending->wait();
    untimed_.push_back(std::move(bucket.pending));
    bucket.ready = 0;
  }
  next_bucket_ = 0;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - wait_start).count();
}

double GradientReducer::take_comm_seconds() {
  double total = 0.0;
  for (const auto& pending : untimed_)
    total += pending->seconds();
  untimed_.clear();
  return total;
}

bool GradientReducer::bucket_done(int bucket) const {
  const auto& pending = buckets_[static_cast<size_t>(bucket)].pending;
  return pending && pending->done();
}

uint64_t GradientReducer::layout_hash() const {
  std::string text;
  for (const auto& p : store_.parameters())
    text += concat(p->path(), p->shape().str(), p->offset(), ";");
  for (const Bucket& b : buckets_)
    text += concat("[", b.begin, ",", b.end, ")");
  text += concat("size ", store_.size(), " ", dtype_name(store_.grads().dtype()));
  return hash_name(text.data(), text.size());
}

}  // namespace recur
