#!/usr/bin/env bash
# A full disk (a size-limited tmpfs) while a checkpoint is written: one clear error and a non-zero
# exit; the previous checkpoint stays intact, verifies, and once there is space again a resumed
# run continues from it.
# Case 1 (1 rank): the free-space check refuses the checkpoint before writing. Case 2 (2 ranks):
# each shard alone fits the free space, both together do not: the write itself fails (ENOSPC).
RECUR=$1 SOURCE=$2
source "$SOURCE/tests/e2e/lib.sh"
if [ "$(id -u)" -ne 0 ]; then
  echo "skipped: mounting a size-limited tmpfs needs root"
  exit 77
fi
config=$(tiny_config)
# About 3.5 MB of parameters: a checkpoint (parameters and two Adam moments) takes about 10.5 MB.
# The prepared token stores live outside the small disk, which only checkpoints fill.
model=(--set model.embedding_size=64 --set model.hidden_size=256 --set validation.every_steps=0
       --set logging.every_steps=5 --set checkpoint.keep_last=1 --set "data.prepared=$WORK/prepared")

check_case() {
  local name=$1 ranks=$2 size=$3 expected=$4
  local disk=$WORK/$name
  mkdir -p "$disk"
  mount -t tmpfs -o "size=$size" tmpfs "$disk"
  cleanup_steps+=("umount '$disk'")
  local out=$WORK/$name.out rc=0
  "$SOURCE/launcher/recur-mpirun" -n "$ranks" --oversubscribe -- "$RECUR" train --config "$config" \
    --set "run_dir=$disk/run" "${model[@]}" --set training.max_steps=20 --set checkpoint.every_steps=5 >"$out" 2>&1 || rc=$?
  [ "$rc" -ne 0 ] || fail "$name: exit code 0 on a full disk"
  grep -q "$expected" "$out" || { fail "$name: no clear message ($expected)"; cat "$out" >&2; }
  "$RECUR" ckpt verify "$disk/run/checkpoints/step-00000005" >/dev/null || fail "$name: the previous checkpoint is damaged"
  [ "$(ls "$disk/run/checkpoints" | grep -c '^step-')" -eq 1 ] || fail "$name: not exactly one checkpoint"
  ls "$disk/run" | grep -q 'tmp' && fail "$name: temporary files left behind: $(ls "$disk/run")"
  mount -o remount,size=64m "$disk"  # space freed: the run continues from its last checkpoint
  "$SOURCE/launcher/recur-mpirun" -n "$ranks" --oversubscribe -- "$RECUR" train --config "$config" \
    --set "run_dir=$disk/run" "${model[@]}" --set training.max_steps=8 --set checkpoint.every_steps=0 \
    --resume auto >>"$out" 2>&1 || fail "$name: resuming failed"
  grep -q 'resumed from .*step-00000005 (step 5' "$disk/run/train.rank0.log" || fail "$name: did not resume from step 5"
  grep -q '^stopped after 8 steps' "$out" || fail "$name: the resumed run did not finish"
  echo "$name: $(grep -m1 -o 'recur: error: .*' "$out")"
}

check_case precheck 1 16m "recur: error: checkpoint step-00000010: not enough disk space in .*: this rank's shard needs 10 MB, [0-9]* MB are free"
# The space runs out in a shard or in its completion marker, whichever a rank writes last.
check_case enospc 2 17m "recur: error: rank [01]: cannot write .*/checkpoints/\.tmp-step-00000010-[^/]*/[^ ]* (disk full?)"
finish
