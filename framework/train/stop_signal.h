// Graceful stop: SIGTERM and SIGUSR1 (what SLURM sends before a time limit or on preemption) and
// SIGINT make the trainer finish the step it is in, agree with every rank, save the model and stop.
// A second SIGINT ends the process at once.
#pragma once

namespace recur {

// Exit code of `recur train` stopped by SIGTERM or SIGUSR1: "interrupted, run again to continue".
constexpr int kExitInterrupted = 75;
// Exit code after SIGINT (128 + 2, as shells report it).
constexpr int kExitSigint = 130;

class StopSignals {
 public:
  StopSignals();   // installs the handlers
  ~StopSignals();  // restores the previous ones
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // The first stop signal received (0 if none).
  static int received();
};

}  // namespace recur
