#!/usr/bin/env bash
# training.precision on the CPU, which emulates the rounding of matrix-product inputs: the LSTM LM
# and the seq2seq model train 50 steps in fp32, tf32 and bf16, and every step's loss in tf32 and
# bf16 is within 2% of fp32's; a run checkpointed at step 25 in fp32 resumes in bf16, and one in
# bf16 resumes in fp32, each again within 2% of the fp32 run (checkpoints hold f32 parameters
# whatever the precision).
RECUR=$1 SOURCE=$2
source "$SOURCE/tests/e2e/lib.sh"
lstm=$(tiny_config)
seq2seq=$(tiny_seq2seq_config)
steps=50 half=25
common=(--set "training.max_steps=$steps" --set logging.every_steps=1 --set validation.every_steps=0
  --set "checkpoint.every_steps=$half")

train() {
  local name=$1 config=$2 precision=$3
  shift 3
  "$RECUR" train --config "$config" "${common[@]}" --set "training.precision=$precision" \
    --set "run_dir=$WORK/$name" "$@" >"$WORK/$name.out" 2>&1 ||
    { fail "$name: training failed"; cat "$WORK/$name.out" >&2; }
}

# resume NAME FROM CONFIG PRECISION: the run FROM continued from its step-25 checkpoint, in a copy.
resume() {
  local name=$1 from=$2 config=$3 precision=$4
  cp -r "$WORK/$from" "$WORK/$name"
  train "$name" "$config" "$precision" --resume "$WORK/$name/checkpoints/step-000000$half"
}

for model in lm seq2seq; do
  config=$lstm
  [ "$model" = seq2seq ] && config=$seq2seq
  for precision in fp32 tf32 bf16; do train "$model-$precision" "$config" "$precision"; done
  grep -q '"precision": "bf16"' "$WORK/$model-bf16/metrics.jsonl" || fail "$model: no precision in the run line"
  for precision in tf32 bf16; do
    expect_losses_match_after 0 "$WORK/$model-$precision" "$WORK/$model-fp32" "$steps" 0.02 ||
      fail "$model: the $precision losses are not within 2% of fp32's"
  done
  if cmp -s <(train_losses_after 0 "$WORK/$model-bf16") <(train_losses_after 0 "$WORK/$model-fp32"); then
    fail "$model: bf16 trained exactly as fp32 (no rounding?)"
  fi
  resume "$model-fp32-then-bf16" "$model-fp32" "$config" bf16
  resume "$model-bf16-then-fp32" "$model-bf16" "$config" fp32
  for run in fp32-then-bf16 bf16-then-fp32; do
    expect_losses_match_after "$half" "$WORK/$model-$run" "$WORK/$model-fp32" "$steps" 0.02 ||
      fail "$model: resumed $run: the losses are not within 2% of fp32's"
  done
done
finish
