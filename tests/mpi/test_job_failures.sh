#!/usr/bin/env bash
# Failures end the whole job with a message naming the rank: SIGKILL of rank 1 makes
# recur-mpirun exit non-zero within 30 s; SIGSTOP of rank 1 ends the job within
# distributed.collective_timeout_s + 30 s; ranks with different models, a batch that does not
# divide by the ranks, and SLURM singletons are refused at start.
RECUR=$1 SOURCE=$2
source "$SOURCE/tests/e2e/lib.sh"
config=$(tiny_config)
timeout_s=5

# Starts a long 2-rank run in the background; sets $launcher_pid and $rank1_pid.
start_job() {
  local name=$1
  rm -rf "$WORK/$name"
  "$SOURCE/launcher/recur-mpirun" -n 2 --oversubscribe -- "$RECUR" train --config "$config" \
    --set "run_dir=$WORK/$name" --set training.max_steps=10000000 --set validation.every_steps=0 \
    --set distributed.collective_timeout_s=$timeout_s >"$WORK/$name.out" 2>&1 &
  launcher_pid=$!
  for _ in $(seq 300); do
    grep -q 'data parallel:' "$WORK/$name/train.rank0.log" 2>/dev/null && break
    sleep 0.1
  done
  rank1_pid=$(sed -n 's/^.* rank 1 of 2, pid \([0-9]*\);.*/\1/p' "$WORK/$name/train.rank1.log")
  [ -n "$rank1_pid" ] || { fail "$name: no pid of rank 1"; cat "$WORK/$name.out" >&2; }
  sleep 1  # some steps in
}

# Waits for the launcher; fails if it takes longer than $1 seconds. Sets $rc and $took.
wait_job() {
  local limit=$1 start=$SECONDS
  while kill -0 "$launcher_pid" 2>/dev/null && [ $((SECONDS - start)) -le $((limit + 5)) ]; do sleep 0.2; done
  took=$((SECONDS - start))
  if kill -0 "$launcher_pid" 2>/dev/null; then
    fail "the job still runs $took s later"
    kill -9 "$launcher_pid" "$rank1_pid" 2>/dev/null || true
  fi
  rc=0
  wait "$launcher_pid" || rc=$?
  [ "$took" -le "$limit" ] || fail "the job took $took s to end (limit $limit s)"
}

start_job killed
kill -KILL "$rank1_pid"
wait_job 30
echo "SIGKILL: recur-mpirun exited with $rc after $took s"
[ "$rc" -ne 0 ] || fail "SIGKILL: exit code 0"
grep -q 'rank 1 .*exited on signal 9' "$WORK/killed.out" || { fail "SIGKILL: rank 1 not named"; cat "$WORK/killed.out" >&2; }

start_job stopped
kill -STOP "$rank1_pid"
wait_job $((timeout_s + 30))
echo "SIGSTOP: recur-mpirun exited with $rc after $took s"
kill -KILL "$rank1_pid" 2>/dev/null || true
[ "$rc" -ne 0 ] || fail "SIGSTOP: exit code 0"
grep -q "rank 0: .* did not complete within $timeout_s s; rank 1 does not respond" "$WORK/stopped.out" ||
  { fail "SIGSTOP: rank 1 not named"; cat "$WORK/stopped.out" >&2; }
# Ranks that build different models stop at the start-up check (MPMD: rank 1 gets another size).
root=()
[ "$(id -u)" -eq 0 ] && root=(--allow-run-as-root)
out=$(mpirun "${root[@]}" --oversubscribe -n 1 "$RECUR" train --config "$config" --set "run_dir=$WORK/mixed" : \
  -n 1 "$RECUR" train --config "$config" --set "run_dir=$WORK/mixed" --set model.hidden_size=40 2>&1) &&
  fail "mixed models: exit code 0"
echo "$out" | grep -q 'recur: error: rank [01]: rank(s) 1 build a different model or gradient buckets than rank 0' ||
  { fail "mixed models: no message"; echo "$out" >&2; }

out=$("$SOURCE/launcher/recur-mpirun" -n 3 --oversubscribe -- "$RECUR" train --config "$config" \
  --set "run_dir=$WORK/indivisible" 2>&1) && fail "batch of 8 on 3 ranks: exit code 0"
echo "$out" | grep -q 'recur: error: rank 0: training.batch_size (8) must divide by the number of ranks (3)' ||
  { fail "batch of 8 on 3 ranks: no message"; echo "$out" >&2; }

expect_error "recur: error: SLURM started 2 tasks but MPI connects none of them: each would train alone. Start recur with \`srun --mpi=pmix ...\`, or with mpirun (launcher/recur-mpirun) inside the allocation" \
  env SLURM_STEP_NUM_TASKS=2 "$RECUR" train --config "$config"
finish
