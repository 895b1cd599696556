#!/usr/bin/env bash
# training.nonfinite on 2 ranks, with a NaN put into rank 1's gradients before the all-reduce
# (RECUR_TEST_NAN_GRADIENT): stop (the default) ends training naming the step; skip drops that
# step on every rank, and its parameters equal bit for bit those of a run whose update at that
# step is dropped by a test hook (RECUR_TEST_DROP_UPDATE), while a run with no step dropped
# differs; max_skipped ends a run of consecutive skips.
RECUR=$1 SOURCE=$2 PARAMS_DIGEST=$3
source "$(dirname "$0")/lib.sh"
config=$(tiny_config)
export RECUR

# train NAME [--set ...]: 12 steps on 2 ranks into $WORK/NAME.
train() {
  local name=$1
  shift
  "$SOURCE/launcher/recur-mpirun" -n 2 --oversubscribe -- train --config "$config" \
    --set training.max_steps=12 --set training.threads=1 --set logging.every_steps=4 \
    --set "run_dir=$WORK/$name" "$@" >"$WORK/$name.out" 2>&1
}

RECUR_TEST_NAN_GRADIENT=6@1 train stopped && fail "a NaN gradient did not stop training"
grep -q "recur: error: rank [01]: training diverged at step 6: loss .* (by step 8; " "$WORK/stopped.out" ||
  { fail "stop: no divergence at step 6"; tail -5 "$WORK/stopped.out" >&2; }

RECUR_TEST_NAN_GRADIENT=6@1 train skipped --set training.nonfinite=skip ||
  { fail "the skipping run failed"; tail -5 "$WORK/skipped.out" >&2; }
grep -q '^step 6: skipped: loss .*, gradient norm nan (1 in a row; training.nonfinite: skip)$' "$WORK/skipped.out" ||
  fail "rank 0 did not log the skip"
grep -q 'step 6: skipped' "$WORK/skipped/train.rank1.log" || fail "rank 1 did not skip step 6"
grep -q '"type": "skip", "step": 6,' "$WORK/skipped/metrics.jsonl" || fail "metrics: no skip record"
grep -q '"type": "end", .*"skipped_steps": 1,' "$WORK/skipped/metrics.jsonl" || fail "metrics: end count"

RECUR_TEST_DROP_UPDATE=6 train dropped || fail "the reference run failed"
train plain || fail "the plain run failed"
skipped=$("$PARAMS_DIGEST" "$WORK/skipped/model.h5")
[ "$skipped" = "$("$PARAMS_DIGEST" "$WORK/dropped/model.h5")" ] ||
  fail "skipping the NaN step is not the same as dropping its update"
[ "$skipped" != "$("$PARAMS_DIGEST" "$WORK/plain/model.h5")" ] ||
  fail "control: a run that drops nothing ends with the same parameters"

RECUR_TEST_NAN_GRADIENT=4-12@0 train runaway --set training.nonfinite=skip --set training.max_skipped=3 &&
  fail "3 consecutive skips did not end training"
grep -q "recur: error: rank [01]: training diverged: 3 steps in a row up to step 6 had a non-finite loss or gradient norm (training.max_skipped; try a lower optimizer.lr or set training.clip_norm)" \
  "$WORK/runaway.out" || { fail "max_skipped: no such error"; tail -5 "$WORK/runaway.out" >&2; }
finish
