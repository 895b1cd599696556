#include "train/stop_signal.h"

#include <atomic>
#include <csignal>

namespace recur {

namespace {

// Written by the handler on whichever thread the signal lands (a compute or MPI thread, too) and
// read by the training thread: an atomic, which a handler may use when it is lock-free.
std::atomic<int> g_received = 0;
static_assert(std::atomic<int>::is_always_lock_free);
struct sigaction g_previous[3];
constexpr int kSignals[3] = {SIGTERM, SIGUSR1, SIGINT};

void on_signal(int signal) {
  if (g_received == 0) {
    g_received = signal;
    return;
  }
  if (signal == SIGINT) {  // asked twice: stop now
    std::signal(SIGINT, SIG_DFL);
    std::raise(SIGINT);
  }
}

}  // namespace

StopSignals::StopSignals() {
  g_received = 0;
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  for (int i = 0; i < 3; ++i)
    sigaction(kSignals[i], &action, &g_previous[i]);
}

StopSignals::~StopSignals() {
  for (int i = 0; i < 3; ++i)
    sigaction(kSignals[i], &g_previous[i], nullptr);
}

int StopSignals::received() {
  return g_received;
}

}  // namespace recur
