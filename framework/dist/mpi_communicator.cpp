// The MPI communicator. One thread of its own owns every MPI call (MPI_THREAD_FUNNELED with that
// thread as MPI's main thread): it starts the non-blocking collectives queued by the training
// thread and keeps testing them, which is what makes Open MPI progress them while the training
// thread computes. The same loop answers liveness pings and enforces the collective timeout: a
// collective that does not finish in time pings every rank, names the ones that do not answer, and
// aborts the whole job.
#include <mpi.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "core/log.h"
#include "dist/communicator.h"

namespace recur {

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kPingTag = 1, kPongTag = 2;
constexpr double kPingWaitS = 10.0;

// Seconds a process waits for MPI_Abort to end it before it ends itself.
constexpr double kAbortGraceS = 10.0;

// Asks mpirun to end the job, this process included. MPI_Abort may never return when mpirun or
// this host's daemon cannot be reached (a cut link), so the process also ends itself after
// kAbortGraceS: a rank that cannot reach its peers never outlives the job.
[[noreturn]] void abort_job(int exit_code) {
  std::thread([exit_code] {
    std::this_thread::sleep_for(std::chrono::duration<double>(kAbortGraceS));
    std::_Exit(exit_code);
  }).detach();
  MPI_Abort(MPI_COMM_WORLD, exit_code);
  std::_Exit(exit_code);
}

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

MPI_Datatype mpi_type(DType t) {
  switch (t) {
    case DType::F32:
      return MPI_FLOAT;
    case DType::F64:
      return MPI_DOUBLE;
    case DType::I32:
      return MPI_INT;
  }
  return MPI_FLOAT;
}

void* raw(const Tensor& t) {
  switch (t.dtype()) {
    case DType::F32:
      return const_cast<float*>(t.data<float>());
    case DType::F64:
      return const_cast<double*>(t.data<double>());
    case DType::I32:
      return const_cast<int32_t*>(t.data<int32_t>());
  }
  return nullptr;
}

int count_of(const Tensor& t) {
  RECUR_CHECK(t.numel() <= INT32_MAX, "tensor of ", t.numel(),
              " elements is too large for one MPI call");
  return static_cast<int>(t.numel());
}

// A collective: how to start it, what to do when it completes, and its state.
struct Op {
  std::string what;
  std::function<int(MPI_Request*)> start;
  std::function<void()> finish;
  MPI_Request request = MPI_REQUEST_NULL;
  Clock::time_point started, completed;
  bool timed = true;  // false: exempt from the collective timeout (barrier_untimed)
  bool done = false;  // guarded by MpiCommunicator::mutex_
};

class MpiCommunicator;

class MpiPending final : public PendingCollective {
 public:
  MpiPending(std::shared_ptr<Op> op, MpiCommunicator* comm) : op_(std::move(op)), comm_(comm) {}
  void wait() override;
  bool done() const override;
  double seconds() const override { return seconds_between(op_->started, op_->completed); }

 private:
  std::shared_ptr<Op> op_;
  MpiCommunicator* comm_;
};

class MpiCommunicator final : public Communicator {
 public:
  explicit MpiCommunicator(const CommunicatorOptions& options) : options_(options) {
    std::promise<void> ready;
    std::future<void> initialised = ready.get_future();
    thread_ = std::thread([this, &ready] { run(ready); });
    initialised.get();  // rethrows an initialisation failure
  }

  ~MpiCommunicator() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

  int rank() const override { return rank_; }
  int world_size() const override { return world_; }
  int local_rank() const override { return local_rank_; }
  int local_size() const override { return local_size_; }
  std::string description() const override {
    return concat("MPI (", library_, "), ", world_, " ranks, ", local_size_, " on this node");
  }

  std::unique_ptr<PendingCollective> all_reduce_async(Tensor& tensor, ReduceOp op,
                                                      const std::string& what) override {
    RECUR_ASSERT(op == ReduceOp::Sum || tensor.dtype() != DType::I32, "average of integers");
    void* data = raw(tensor);
    const int n = count_of(tensor);
    const MPI_Datatype type = mpi_type(tensor.dtype());
    std::function<void()> finish;
    if (op == ReduceOp::Average) {
      finish = [tensor, world = world_]() mutable {
        dispatch_float(tensor.dtype(), [&]<class T>() {
          T* p = tensor.data<T>();
          for (int64_t i = 0; i < tensor.numel(); ++i)
            p[i] /= static_cast<T>(world);
        });
      };
    }
    auto o = submit(
        what,
        [=, this](MPI_Request* r) {
          return MPI_Iallreduce(MPI_IN_PLACE, data, n, type, MPI_SUM, data_, r);
        },
        std::move(finish));
    return std::make_unique<MpiPending>(o, this);
  }

  void broadcast(Tensor& tensor, int root) override {
    void* data = raw(tensor);
    const int n = count_of(tensor);
    const MPI_Datatype type = mpi_type(tensor.dtype());
    wait_for(submit("broadcast", [=, this](MPI_Request* r) {
      return MPI_Ibcast(data, n, type, root, data_, r);
    }));
  }

  void all_gather(const Tensor& in, Tensor& out) override {
    RECUR_ASSERT(out.numel() == in.numel() * world_ && out.dtype() == in.dtype(),
                 "all_gather sizes");
    void *from = raw(in), *to = raw(out);
    const int n = count_of(in);
    const MPI_Datatype type = mpi_type(in.dtype());
    wait_for(submit("all_gather", [=, this](MPI_Request* r) {
      return MPI_Iallgather(from, n, type, to, n, type, data_, r);
    }));
  }

  void reduce_scatter(const Tensor& in, Tensor& out, ReduceOp op) override {
    RECUR_ASSERT(in.numel() == out.numel() * world_ && out.dtype() == in.dtype(),
                 "reduce_scatter sizes");
    void *from = raw(in), *to = raw(out);
    const int n = count_of(out);
    const MPI_Datatype type = mpi_type(in.dtype());
    wait_for(submit("reduce_scatter", [=, this](MPI_Request* r) {
      return MPI_Ireduce_scatter_block(from, to, n, type, MPI_SUM, data_, r);
    }));
    if (op == ReduceOp::Average) {
      dispatch_float(out.dtype(), [&]<class T>() {
        T* p = out.data<T>();
        for (int64_t i = 0; i < out.numel(); ++i)
          p[i] /= static_cast<T>(world_);
      });
    }
  }

  void barrier() override {
    wait_for(submit("barrier", [this](MPI_Request* r) { return MPI_Ibarrier(data_, r); }));
  }

  void barrier_untimed() override {
    auto op = std::make_shared<Op>();
    op->what = "barrier";
    op->start = [this](MPI_Request* r) { return MPI_Ibarrier(data_, r); };
    op->timed = false;
    wait_for(enqueue(op));
  }

  [[noreturn]] void abort(int exit_code) override {
    submit("abort", [exit_code](MPI_Request*) -> int { abort_job(exit_code); });
    // The communication thread aborts the job, this process included.
    for (;;)
      std::this_thread::sleep_for(std::chrono::seconds(1));
  }

  void wait_for(const std::shared_ptr<Op>& op) {
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return op->done; });
  }
  bool is_done(const std::shared_ptr<Op>& op) {
    std::lock_guard lock(mutex_);
    return op->done;
  }

 private:
  std::shared_ptr<Op> submit(std::string what, std::function<int(MPI_Request*)> start,
                             std::function<void()> finish = {}) {
    auto op = std::make_shared<Op>();
    op->what = std::move(what);
    op->start = std::move(start);
    op->finish = std::move(finish);
    return enqueue(op);
  }

  std::shared_ptr<Op> enqueue(std::shared_ptr<Op> op) {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(op);
    }
    wake_.notify_all();
    return op;
  }

  void initialise() {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &world_);
    MPI_Comm_dup(MPI_COMM_WORLD, &data_);
    MPI_Comm_dup(MPI_COMM_WORLD, &control_);
    MPI_Comm node;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node);
    MPI_Comm_rank(node, &local_rank_);
    MPI_Comm_size(node, &local_size_);
    MPI_Comm_free(&node);
    char version[MPI_MAX_LIBRARY_VERSION_STRING];
    int length = 0;
    MPI_Get_library_version(version, &length);
    library_ = std::string(version, static_cast<size_t>(length));
    library_ = library_.substr(0, library_.find_first_of(",\n"));
  }

  void run(std::promise<void>& ready) {
    try {
      initialise();
    } catch (...) {
      ready.set_exception(std::current_exception());
      return;
    }
    ready.set_value();
    std::vector<std::shared_ptr<Op>> active;
    for (;;) {
      std::deque<std::shared_ptr<Op>> fresh;
      {
        std::unique_lock lock(mutex_);
        if (queue_.empty() && active.empty()) {
          if (stopping_) break;
          // Idle: sleep until work arrives, waking now and then to answer liveness pings.
          wake_.wait_for(lock, std::chrono::milliseconds(50));
        }
        fresh.swap(queue_);
      }
      for (auto& op : fresh) {
        op->started = Clock::now();
        check(op->start(&op->request), *op);
        active.push_back(std::move(op));
      }
      progress(active);
      serve_pings();
      for (const auto& op : active) {
        if (op->timed && seconds_between(op->started, Clock::now()) > options_.collective_timeout_s)
          diagnose_and_abort(*op);
      }
      // Busy collectives: test again soon, without spinning a core the training threads need.
      if (!active.empty()) std::this_thread::sleep_for(std::chrono::microseconds(20));
    }
    MPI_Comm_free(&data_);
    MPI_Comm_free(&control_);
    MPI_Finalize();
  }

  void progress(std::vector<std::shared_ptr<Op>>& active) {
    for (size_t i = 0; i < active.size();) {
      int flag = 0;
      check(MPI_Test(&active[i]->request, &flag, MPI_STATUS_IGNORE), *active[i]);
      if (!flag) {
        ++i;
        continue;
      }
      if (active[i]->finish) active[i]->finish();
      active[i]->completed = Clock::now();
      {
        std::lock_guard lock(mutex_);
        active[i]->done = true;
      }
      done_.notify_all();
      active.erase(active.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }

  // Answers every ping on the control communicator: this rank's communication thread is alive.
  void serve_pings() {
    for (;;) {
      int flag = 0;
      MPI_Status status;
      MPI_Iprobe(MPI_ANY_SOURCE, kPingTag, control_, &flag, &status);
      if (!flag) break;
      int payload = 0;
      MPI_Recv(&payload, 1, MPI_INT, status.MPI_SOURCE, kPingTag, control_, MPI_STATUS_IGNORE);
      MPI_Request request;
      MPI_Isend(&rank_, 1, MPI_INT, status.MPI_SOURCE, kPongTag, control_, &request);
      MPI_Request_free(&request);
    }
  }

  [[noreturn]] void diagnose_and_abort(const Op& op) {
    log::warn("rank ", rank_, ": ", op.what, " did not complete within ",
              options_.collective_timeout_s, " s; checking which ranks respond");
    std::vector<MPI_Request> pings;
    for (int r = 0; r < world_; ++r) {
      if (r == rank_) continue;
      pings.emplace_back();
      MPI_Isend(&rank_, 1, MPI_INT, r, kPingTag, control_, &pings.back());
    }
    std::set<int> silent;
    for (int r = 0; r < world_; ++r) {
      if (r != rank_) silent.insert(r);
    }
    const auto deadline = Clock::now() + std::chrono::duration<double>(kPingWaitS);
    while (!silent.empty() && Clock::now() < deadline) {
      int flag = 0;
      MPI_Status status;
      MPI_Iprobe(MPI_ANY_SOURCE, kPongTag, control_, &flag, &status);
      if (flag) {
        int from = -1;
        MPI_Recv(&from, 1, MPI_INT, status.MPI_SOURCE, kPongTag, control_, MPI_STATUS_IGNORE);
        silent.erase(status.MPI_SOURCE);
      }
      serve_pings();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::string who;
    for (int r : silent)
      who += (who.empty() ? "" : ", ") + std::to_string(r);
    const std::string message =
        silent.empty()
            ? concat(
                  "rank ", rank_, ": ", op.what, " did not complete within ",
                  options_.collective_timeout_s,
                  " s; every rank answers, so one is stuck outside communication; aborting the job")
            : concat("rank ", rank_, ": ", op.what, " did not complete within ",
                     options_.collective_timeout_s, " s; rank", silent.size() > 1 ? "s " : " ", who,
                     silent.size() > 1 ? " do" : " does",
                     " not respond (stopped, hung or dead); aborting the job");
    log::error(message);
    abort_job(1);
  }

  void check(int code, const Op& op) {
    if (code == MPI_SUCCESS) return;
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    MPI_Error_string(code, text, &length);
    log::error("rank ", rank_, ": MPI error in ", op.what, ": ", text);
    abort_job(1);
  }

  friend class MpiPending;

  CommunicatorOptions options_;
  int rank_ = 0, world_ = 1, local_rank_ = 0, local_size_ = 1;
  std::string library_;
  MPI_Comm data_ = MPI_COMM_NULL, control_ = MPI_COMM_NULL;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  std::deque<std::shared_ptr<Op>> queue_;
  bool stopping_ = false;
};

void MpiPending::wait() {
  comm_->wait_for(op_);
}
bool MpiPending::done() const {
  return comm_->is_done(op_);
}

bool started_by_mpi_launcher() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

}  // namespace

std::unique_ptr<Communicator> make_communicator(const CommunicatorOptions& options) {
  std::unique_ptr<Communicator> comm;
  if (started_by_mpi_launcher()) {
    comm = std::make_unique<MpiCommunicator>(options);
  } else {
    comm = std::make_unique<SingleProcessCommunicator>();
  }
  const char* tasks = std::getenv("SLURM_STEP_NUM_TASKS");
  RECUR_CHECK(
      tasks == nullptr || std::atoi(tasks) <= 1 || comm->world_size() > 1, "SLURM started ", tasks,
      " tasks but MPI connects none of them: each would train alone. Start recur with ",
      "`srun --mpi=pmix ...`, or with mpirun (launcher/recur-mpirun) inside the allocation");
  return comm;
}

}  // namespace recur
