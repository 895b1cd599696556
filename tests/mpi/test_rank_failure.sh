#!/usr/bin/env bash
# A rank that dies or hangs ends the whole job, naming the rank: SIGKILL of rank 1 makes
# recur-mpirun exit non-zero within 30 s; SIGSTOP of rank 1 ends the job within
# distributed.collective_timeout_s + 30 s.
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
finish
