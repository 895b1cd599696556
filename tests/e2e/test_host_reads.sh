#!/usr/bin/env bash
# A training step never waits for the compute device: for the LSTM LM, the transformer LM, the
# seq2seq model (on 1 and 2 ranks) and the transformer, every progress line of a short run
# (metrics.rank<r>.jsonl, "type": "rank") reports no host read and no stream synchronisation
# inside its steps, and at least one read for the line itself (the counters count). Validation and
# checkpoints, which read the device by design, run in between. On the CPU build the compute
# device is the host and the same calls count (framework/core/device_counters.h).
RECUR=$1 SOURCE=$2
source "$SOURCE/tests/e2e/lib.sh"
lstm=$(tiny_config)
transformer_lm=$(tiny_transformer_lm_config)
seq2seq=$(tiny_seq2seq_config)
reverse_data
short=(--set training.max_steps=9 --set logging.every_steps=3 --set validation.every_steps=3
  --set checkpoint.every_steps=2)

# check_run NAME RANKS: every rank line of the run NAME has zero reads and waits in its steps.
check_run() {
  local name=$1 ranks=$2 rank lines
  for ((rank = 0; rank < ranks; rank++)); do
    lines=$(grep -c '"type": "rank"' "$WORK/$name/metrics.rank$rank.jsonl" || true)
    [ "$lines" = 3 ] || { fail "$name rank $rank: $lines progress lines, expected 3"; continue; }
    grep '"type": "rank"' "$WORK/$name/metrics.rank$rank.jsonl" | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    steps, syncs, log = m["step_host_reads"], m["step_host_syncs"], m["log_host_reads"]
    if steps != 0 or syncs != 0 or log < 1:
        sys.exit("%s step %d: %d reads and %d synchronisations in the steps, %d at the progress line"
                 % (sys.argv[1], m["step"], steps, syncs, log))
' "$name rank $rank" || fail "$name rank $rank waits for the device inside a step"
  done
}

run() {
  local name=$1
  shift
  "$@" "${short[@]}" --set "run_dir=$WORK/$name" >"$WORK/$name.out" 2>&1 ||
    { fail "$name: training failed"; cat "$WORK/$name.out" >&2; }
}

run lstm_lm "$RECUR" train --config "$lstm"
run transformer_lm "$RECUR" train --config "$transformer_lm"
run seq2seq "$RECUR" train --config "$seq2seq"
run seq2seq_2_ranks mpirun --allow-run-as-root --oversubscribe -n 2 \
  "$RECUR" train --config "$seq2seq"
run transformer "$RECUR" train --config "$SOURCE/configs/seq2seq/reverse-transformer.yaml" \
  "${REVERSE_DATA[@]}" --set model.model_size=32 --set model.feed_forward_size=64
for name in lstm_lm transformer_lm seq2seq transformer; do check_run "$name" 1; done
check_run seq2seq_2_ranks 2
finish
