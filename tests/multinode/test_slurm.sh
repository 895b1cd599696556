#!/usr/bin/env bash
# launcher/slurm/train.sbatch on a real two-node SLURM cluster: one slurmd on each namespace host
# (tests/multinode/hosts.sh, node names rcmn-h1 and rcmn-h2), slurmctld and munged in the root
# namespace (tests/slurm/cluster.sh).
#  - sbatch -N 2 --ntasks-per-node=1 trains with srun --mpi=pmix and with mpirun inside the
#    allocation, one rank on each node (the ranks' placement lines name both hosts);
#  - a lost node, under srun and under mpirun: every process of host 2 (its slurmd, the step, the rank) is killed with SIGKILL
#    mid-training. The allocation survives (--no-kill), the batch script finds that rcmn-h2 no
#    longer answers and restarts training on rcmn-h1 alone, which resumes from the newest
#    checkpoint; its losses for 100 steps from there match an uninterrupted run within 1e-5 (over
#    thousands of steps float32 rounding grows past that).
#
# With CI=true a machine that cannot make the hosts fails the test; elsewhere it is skipped (77).
RECUR=$1 SOURCE=$2
source "$SOURCE/tests/e2e/lib.sh"
source "$SOURCE/tests/multinode/hosts.sh"
source "$SOURCE/tests/slurm/cluster.sh"
hosts_require
slurm_require
hosts_up 2
munge_up
# Every node is this machine: one core each, so that the two nodes' ranks do not share a core.
slurm_configure "$(hostname)(${MN_SUBNET%.0/24}.1)" \
  "NodeName=$MN_PREFIX-h1 NodeAddr=${HOST_ADDRS[0]} CPUs=1 RealMemory=2000 State=UNKNOWN" \
  "NodeName=$MN_PREFIX-h2 NodeAddr=${HOST_ADDRS[1]} CPUs=1 RealMemory=2000 State=UNKNOWN"
slurm_start_controller
for i in 1 2; do host_exec "$i" slurmd -f "$SLURM_CONF" -N "$MN_PREFIX-h$i"; done
slurm_wait_idle 2
export RECUR

# The lost-node job: a few milliseconds a step, far more steps than pass before host 2 is killed.
steps=2000
cat >"$WORK/lm.yaml" <<YAML
model: {type: lstm_lm, embedding_size: 24, hidden_size: 32, layers: 2, dropout: 0.1}
data: {train: $SOURCE/datasets/bible/sample/kjv.valid.txt}
training: {batch_size: 8, bptt: 25, max_steps: 40, clip_norm: 1.0, threads: 1}
optimizer: {type: adam, lr: 0.003}
logging: {every_steps: 1}
checkpoint: {every_steps: 25, keep_last: 2}
distributed: {collective_timeout_s: 10}
YAML

# The host name in rank R's placement line of a run folder.
rank_host() {
  grep '"type": "placement"' "$1/metrics.rank$2.jsonl" | sed -E 's/.*"host": "([^"]*)".*/\1/'
}

for launch in srun mpirun; do
  RECUR_LAUNCH=$launch sbatch --parsable --wait --chdir="$WORK" --output="$WORK/$launch.out" \
    -N 2 --ntasks-per-node=1 "$SOURCE/launcher/slurm/train.sbatch" "$WORK/lm.yaml" \
    --set "run_dir=$WORK/$launch" >/dev/null || fail "$launch: the job failed"
  grep -q '^stopped after 40 steps (reached training.max_steps)' "$WORK/$launch.out" ||
    fail "$launch: no finished training"
  placed="$(rank_host "$WORK/$launch" 0) $(rank_host "$WORK/$launch" 1)"
  [ "$placed" = "$MN_PREFIX-h1 $MN_PREFIX-h2" ] || fail "$launch: ranks 0 and 1 ran on '$placed'"
  [ "$failures" -eq 0 ] || { cat "$WORK/$launch.out" >&2; exit 1; }
  echo "$launch: 2 nodes, ranks on $placed, $(grep -m1 '^stopped after' "$WORK/$launch.out")"
done

# A lost node, under each launcher: the job trains on both nodes until step 60, then every process
# of host 2 is killed.
lost_node() {
  local launch=$1 name=lost-$1 job state killed took resumed_from compared
  job=$(RECUR_LAUNCH=$launch sbatch --parsable --chdir="$WORK" --output="$WORK/$name.out" -N 2 \
    --ntasks-per-node=1 "$SOURCE/launcher/slurm/train.sbatch" "$WORK/lm.yaml" \
    --set "run_dir=$WORK/$name" --set "training.max_steps=$steps")
  for _ in $(seq 900); do
    grep -q '"step": 60,' "$WORK/$name/metrics.jsonl" 2>/dev/null && break
    sleep 0.1
  done
  grep -q '"step": 60,' "$WORK/$name/metrics.jsonl" 2>/dev/null ||
    { fail "$name: no step 60 within 90 s"; cat "$WORK/$name.out" >&2; exit 1; }
  kill -9 $(ip netns pids "$MN_PREFIX-h2")
  killed=$SECONDS
  for _ in $(seq 1200); do
    state=$(slurm_job_state "$job")
    [ "$state" = COMPLETED ] || [ "$state" = FAILED ] && break
    sleep 0.25
  done
  took=$((SECONDS - killed))
  [ "$state" = COMPLETED ] || fail "$name: job state $state $took s after the node was lost"
  grep -q "nodes of $MN_PREFIX-h\[1-2\] no longer answer; restarting on $MN_PREFIX-h1 from the newest checkpoint" \
    "$WORK/$name.out" || fail "$name: training did not restart on host 1 alone"
  resumed_from=$(sed -n 's/^resumed from .*step-0*\([0-9]*\) (step.*/\1/p' "$WORK/$name.out" | tail -1)
  [ -n "$resumed_from" ] || fail "$name: the restarted training did not resume from a checkpoint"
  sed -n '/restarting on/,$p' "$WORK/$name.out" |
    grep -q "^stopped after $steps steps (reached training.max_steps)" ||
    fail "$name: the restarted training did not finish"
  if [ "$failures" -eq 0 ]; then
    compared=$((resumed_from + 100))
    "$RECUR" train --config "$WORK/lm.yaml" --set "run_dir=$WORK/whole-$launch" \
      --set "training.max_steps=$compared" >"$WORK/whole-$launch.out" 2>&1 || fail "uninterrupted run: exit $?"
    expect_losses_match_after "$resumed_from" "$WORK/$name" "$WORK/whole-$launch" "$compared" ||
      fail "$name: the restarted run differs from the uninterrupted one"
  fi
  [ "$failures" -eq 0 ] || { cat "$WORK/$name.out" "$SLURM_DIR/slurmctld.log" >&2; exit 1; }
  echo "$name: job $job restarted on $MN_PREFIX-h1 and completed $took s after host 2 was killed;" \
    "resumed at step $resumed_from, steps $((resumed_from + 1))-$compared match the uninterrupted run"
}

lost_node srun
# Host 2 comes back: its slurmd registers again and the node returns to service.
host_exec 2 slurmd -f "$SLURM_CONF" -N "$MN_PREFIX-h2"
slurm_wait_idle 2
lost_node mpirun
