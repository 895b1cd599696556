#!/usr/bin/env bash
# Crash safety: a rank killed (SIGKILL) while a checkpoint is written - at named points and at 10
# random moments of a run that checkpoints every 5 steps - never leaves a checkpoint that resume would trust but cannot use: resume picks
# the last complete checkpoint, verifies it, and the resumed run ends with exactly the parameters
# of a run that was never interrupted. A truncated or bit-flipped shard is found by
# `recur ckpt verify` and skipped on resume.
RECUR=$1 SOURCE=$2 DIGEST=$3
source "$SOURCE/tests/e2e/lib.sh"
config=$(tiny_config)
common=(--set training.max_steps=30 --set checkpoint.every_steps=5 --set checkpoint.keep_last=0
        --set validation.every_steps=0 --set logging.every_steps=5)

run() {
  local name=$1
  shift
  "$SOURCE/launcher/recur-mpirun" -n 2 --oversubscribe -- "$RECUR" train --config "$config" \
    --set "run_dir=$WORK/$name" "${common[@]}" "$@" >>"$WORK/$name.out" 2>&1
}
resumed_from() { sed -n 's/.*resumed from .*step-0*\([0-9]*\) (step.*/\1/p' "$WORK/$1/train.rank0.log" | tail -n 1; }
step_dir() { printf '%s/%s/checkpoints/step-%08d' "$WORK" "$1" "$2"; }
# The resumed run must end with exactly the parameters of the uninterrupted one.
same_end() {
  [ "$("$DIGEST" "$WORK/$1/model.h5")" = "$("$DIGEST" "$WORK/reference/model.h5")" ] ||
    fail "$1: the resumed run ends with other parameters"
}

run reference || { fail "the reference run failed"; cat "$WORK/reference.out" >&2; exit 1; }

# Named points, in the checkpoint of step 15: before the rename, step 10 is the last complete one.
for spec in "mid_shard@1 10" "mid_shard@0 10" "before_manifest 10" "before_rename 10" "after_rename 15"; do
  read -r point expect <<<"$spec"
  name=crash-${point/@/-}
  RECUR_CHECKPOINT_CRASH=$point RECUR_CHECKPOINT_CRASH_STEP=15 run "$name" && fail "$point: the job did not fail"
  [ "$expect" = 15 ] || [ ! -d "$(step_dir "$name" 15)" ] || fail "$point: an incomplete checkpoint was committed"
  "$RECUR" ckpt verify "$(step_dir "$name" "$expect")" >/dev/null || fail "$point: checkpoint $expect does not verify"
  run "$name" --resume auto || fail "$point: the resumed run failed"
  [ "$(resumed_from "$name")" = "$expect" ] || fail "$point: resumed from '$(resumed_from "$name")', expected $expect"
  same_end "$name"
  echo "$point: resumed from step $expect and ended as the uninterrupted run"
done

# Random moments: rank 0 or 1 killed 0.1 to 2 s into a longer run that checkpoints every 5 steps.
long=(--set training.max_steps=600 --set model.hidden_size=64 --set checkpoint.keep_last=3)
run long-reference "${long[@]}" || fail "the long reference run failed"
for i in $(seq 10); do
  name=random-$i
  run "$name" "${long[@]}" &
  launcher=$!
  for _ in $(seq 200); do
    grep -q 'data parallel:' "$WORK/$name/train.rank0.log" 2>/dev/null && break
    sleep 0.05
  done
  sleep "$((RANDOM % 2)).$((RANDOM % 9 + 1))"
  rank=$((RANDOM % 2))
  pid=$(sed -n "s/^.* rank $rank of 2, pid \([0-9]*\);.*/\1/p" "$WORK/$name/train.rank$rank.log" | head -n 1)
  kill -KILL "$pid" 2>/dev/null && killed="killed rank $rank" || killed="finished before the kill"
  wait "$launcher" || true
  # The newest committed checkpoint must verify in full, and resume must take it.
  newest=$("$RECUR" ckpt list "$WORK/$name" 2>/dev/null | sed -n '2s/^step-0*\([0-9]*\) .*/\1/p')
  if [ -n "$newest" ]; then
    "$RECUR" ckpt verify "$(step_dir "$name" "$newest")" >/dev/null || fail "$name: checkpoint $newest does not verify"
  fi
  run "$name" "${long[@]}" --resume auto || fail "$name: the resumed run failed"
  from=$(resumed_from "$name")
  [ "$from" = "$newest" ] || fail "$name: resumed from '$from', the newest checkpoint is '$newest'"
  [ "$("$DIGEST" "$WORK/$name/model.h5")" = "$("$DIGEST" "$WORK/long-reference/model.h5")" ] ||
    fail "$name: the resumed run ends with other parameters"
  echo "$name: $killed; resumed from step ${from:-0 (no checkpoint yet)}"
done

# Damaged checkpoints: step 30 bit-flipped, step 25 truncated; resume falls back to step 20.
name=damaged
run "$name" || fail "$name: the run failed"
shard=$(step_dir "$name" 30)/shard-00001-of-00002.h5
printf '\x55' | dd of="$shard" bs=1 seek=$(($(stat -c %s "$shard") / 2)) conv=notrunc status=none
truncate -s 1000 "$(step_dir "$name" 25)/shard-00000-of-00002.h5"
expect_error "recur: error: checkpoint $(step_dir "$name" 30) is damaged: shard-00001-of-00002.h5 does not match its hash (damaged)" \
  "$RECUR" ckpt verify "$(step_dir "$name" 30)"
run "$name" --resume auto || fail "$name: the resumed run failed"
[ "$(resumed_from "$name")" = 20 ] || fail "$name: resumed from '$(resumed_from "$name")', expected 20"
grep -q "step-00000030 is damaged (shard-00001-of-00002.h5 does not match its hash (damaged)); falling back" "$WORK/$name.out" ||
  fail "$name: no warning about step 30"
grep -q "step-00000025 is damaged (shard-00000-of-00002.h5 has 1000 bytes" "$WORK/$name.out" || fail "$name: no warning about step 25"
same_end "$name"
finish
