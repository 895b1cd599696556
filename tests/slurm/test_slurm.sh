#!/usr/bin/env bash
# launcher/slurm/train.sbatch on a real one-node SLURM cluster on localhost: 2 tasks through
# srun --mpi=pmix and through mpirun inside the allocation, then the pre-timeout signal: USR1 to
# the batch shell makes training write a checkpoint and stop (exit 75), the script requeues the
# job, and the requeued job resumes from the checkpoint and ends with the same final loss and
# parameters as a job that was never interrupted.
RECUR=$1 SOURCE=$2 DIGEST=$3
source "$SOURCE/tests/e2e/lib.sh"
source "$SOURCE/tests/slurm/cluster.sh"
slurm_require
munge_up
host=$(hostname)
slurm_configure "$host" "NodeName=$host CPUs=$(nproc) RealMemory=2000 State=UNKNOWN"
slurm_start_controller
slurmd -f "$SLURM_CONF"
slurm_wait_idle 1

config=$(tiny_config)
export RECUR
submit() {  # name, extra sbatch options..., then -- and the script's arguments
  local name=$1
  shift
  sbatch --parsable --chdir="$WORK" --output="$WORK/$name.out" "$@"
}

for launch in srun mpirun; do
  RECUR_LAUNCH=$launch submit "$launch" --wait "$SOURCE/launcher/slurm/train.sbatch" "$config" \
    --set "run_dir=$WORK/run-$launch" >/dev/null || fail "$launch: the job failed"
  grep -q '^stopped after 40 steps (reached training.max_steps)' "$WORK/$launch.out" || fail "$launch: no finished training"
  grep -q 'rank 1 of 2' "$WORK/run-$launch/train.rank1.log" || fail "$launch: no second rank"
  [ "$failures" -eq 0 ] || cat "$WORK/$launch.out" >&2
done

# The pre-timeout signal: checkpoint, requeue, resume; against a job never interrupted.
long=(--set training.max_steps=3000 --set logging.every_steps=500 --set validation.every_steps=0)
submit straight --wait "$SOURCE/launcher/slurm/train.sbatch" "$config" --set "run_dir=$WORK/run-straight" \
  "${long[@]}" >/dev/null || fail "the uninterrupted job failed"
job=$(submit signal "$SOURCE/launcher/slurm/train.sbatch" "$config" --set "run_dir=$WORK/run-signal" "${long[@]}")
for _ in $(seq 300); do
  grep -q 'data parallel:' "$WORK/run-signal/train.rank0.log" 2>/dev/null && break
  sleep 0.2
done
sleep 1
scancel --signal=USR1 --batch "$job"
for _ in $(seq 600); do
  state=$(slurm_job_state "$job")
  grep -q 'restart 1' "$WORK/signal.out" 2>/dev/null && [ "$state" = COMPLETED ] && break
  sleep 0.5
done
out=$WORK/signal.out
grep -q 'received SIGUSR1, forwarding it to the training job' "$out" || fail "signal: not forwarded"
stopped=$(sed -n 's/^stopped after \([0-9]*\) steps (stop signal).*/\1/p' "$out")
[ -n "$stopped" ] || fail "signal: training did not stop"
grep -q "^checkpoint step-0*$stopped written" "$out" || fail "signal: no checkpoint at step $stopped"
grep -q 'training stopped (exit 75); requeueing job' "$out" || fail "signal: no requeue"
grep -q "job $job, restart 1" "$out" || fail "signal: the job did not run again"
grep -q "resumed from .*step-0*$stopped (step $stopped" "$out" || fail "signal: the requeued job did not resume from step $stopped"
sed -n '/restart 1/,$p' "$out" | grep -q '^stopped after 3000 steps (reached training.max_steps)' ||
  fail "signal: the requeued job did not finish"
[ "$state" = COMPLETED ] || fail "signal: job state $state"
last_loss() { grep '"type": "train"' "$1/metrics.jsonl" | tail -n 1 | sed 's/.*"loss": \([^,]*\),.*/\1/'; }
[ "$(last_loss "$WORK/run-signal")" = "$(last_loss "$WORK/run-straight")" ] ||
  fail "signal: final loss $(last_loss "$WORK/run-signal"), uninterrupted $(last_loss "$WORK/run-straight")"
[ "$("$DIGEST" "$WORK/run-signal/model.h5")" = "$("$DIGEST" "$WORK/run-straight/model.h5")" ] ||
  fail "signal: the final parameters differ from the uninterrupted job's"
echo "signal: stopped at step $stopped, requeued, resumed, final loss $(last_loss "$WORK/run-signal") as uninterrupted"
[ "$failures" -eq 0 ] || cat "$out" >&2
finish
