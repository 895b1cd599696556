#!/usr/bin/env bash
# SIGUSR1 to a 2-rank job (what a SLURM time limit sends through train.sbatch) while it trains with
# asynchronous checkpoints: mpirun passes it to every rank, each finishes its step, the job saves a
# checkpoint and exits 75 ("run again to continue"), and --resume auto continues from that step. The thread sanitizer build runs it too: the stop
# flag, the communication thread and the checkpoint writer's thread are all in play.
RECUR=$1 SOURCE=$2
source "$(dirname "$0")/lib.sh"
config=$(tiny_config)
train=("$SOURCE/launcher/recur-mpirun" -n 2 --oversubscribe -- train --config "$config"
  --set training.threads=1 --set checkpoint.every_steps=5 --set checkpoint.async=true)
export RECUR

"${train[@]}" --set training.max_steps=1000000 >"$WORK/stopped.out" 2>&1 &
job=$!
# Stop once the writer thread has committed a checkpoint: training, writing and talking overlap.
until ls "$WORK/run/checkpoints" 2>/dev/null | grep -q '^step-' || ! kill -0 "$job" 2>/dev/null; do
  sleep 0.2
done
kill -USR1 "$job"
rc=0
wait "$job" || rc=$?
[ "$rc" -eq 75 ] || { fail "exit status $rc after SIGUSR1 (expected 75)"; cat "$WORK/stopped.out" >&2; }
grep -q '^stopped after [0-9]* steps (stop signal)' "$WORK/stopped.out" || fail "no 'stopped ... (stop signal)' line"
stopped=$(sed -n 's/^end (step \([0-9]*\)).*/\1/p' "$WORK/stopped.out")
newest=$(ls "$WORK/run/checkpoints" | grep '^step-' | sort | tail -1)
[ "$newest" = "$(printf 'step-%08d' "${stopped:-0}")" ] || fail "newest checkpoint $newest, stopped at $stopped"

"${train[@]}" --set training.max_steps=$((stopped + 5)) --resume auto >"$WORK/resumed.out" 2>&1 ||
  { fail "the resumed run failed"; cat "$WORK/resumed.out" >&2; }
grep -q "^resumed from .*/step-[0-9]* (step $stopped, written by 2 ranks); continuing at step $((stopped + 1))$" "$WORK/resumed.out" || { fail "did not resume from step $stopped"; cat "$WORK/resumed.out" >&2; }
finish
