#!/usr/bin/env bash
# launcher/slurm/train.sbatch on a real one-node SLURM cluster on localhost: 2 tasks through
# srun --mpi=pmix and through mpirun inside the allocation, then the pre-timeout signal: USR1 to
# the batch shell makes training write a checkpoint and stop (exit 75), the script requeues the
# job, and the requeued job resumes from the checkpoint and ends with the same final loss and
# parameters as a job that was never interrupted.
RECUR=$1 SOURCE=$2 DIGEST=$3
source "$SOURCE/tests/e2e/lib.sh"
if [ "$(id -u)" -ne 0 ]; then
  echo "skipped: a SLURM cluster on localhost needs root (slurmd, munged)"
  exit 77
fi
"$SOURCE/scripts/install-deps.sh" --slurm

# munge authenticates SLURM's messages.
if ! pgrep -x munged >/dev/null; then
  [ -f /etc/munge/munge.key ] || mungekey --create
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown -R munge:munge /etc/munge /run/munge /var/log/munge /var/lib/munge
  runuser -u munge -- /usr/sbin/munged --force
  cleanup_steps+=("pkill -x munged")
fi
munge -n | unmunge >/dev/null || { echo "munge does not work" >&2; exit 1; }

# A private cluster: configuration, state and logs under $WORK.
cluster=$WORK/slurm
mkdir -p "$cluster/state" "$cluster/spool"
host=$(hostname)
export SLURM_CONF=$cluster/slurm.conf
cat >"$SLURM_CONF" <<CONF
ClusterName=recurtest
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=cred_expire=10
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
StateSaveLocation=$cluster/state
SlurmdSpoolDir=$cluster/spool
SlurmctldPidFile=$cluster/slurmctld.pid
SlurmdPidFile=$cluster/slurmd.pid
SlurmctldLogFile=$cluster/slurmctld.log
SlurmdLogFile=$cluster/slurmd.log
SlurmctldPort=$((7100 + $$ % 400))
SlurmdPort=$((7600 + $$ % 400))
NodeName=$host CPUs=$(nproc) RealMemory=2000 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
# The daemons save their state under $WORK as they stop: wait for them before it is removed.
stop_cluster() {
  local pids pid
  pids=$(cat "$cluster/slurmd.pid" "$cluster/slurmctld.pid" 2>/dev/null) || true
  kill $pids 2>/dev/null || true
  for pid in $pids; do
    for _ in $(seq 40); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
  done
}
cleanup_steps+=(stop_cluster)
for _ in $(seq 60); do
  sinfo -h -o %T 2>/dev/null | grep -q idle && break
  sleep 0.5
done
sinfo -h -o %T | grep -q idle || { fail "the node never became idle"; cat "$cluster"/*.log >&2; exit 1; }

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
  state=$(scontrol show job "$job" 2>/dev/null | sed -n 's/.*JobState=\([A-Z]*\).*/\1/p')
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
