#!/usr/bin/env bash
# Training on a GPU follows the CPU's loss curve: the tiny language model and the tiny seq2seq
# model train 200 steps each on the CPU and on cuda:0 from the same seed (f32 on both, no TF32,
# the same dropout masks), and every logged training loss (every 10 steps) must agree within 1e-3
# relative. Prints the largest difference. Skipped (exit 77) without a usable GPU.
RECUR=$1 SOURCE=$2
source "$(dirname "$0")/lib.sh"

# Skipped only when there is no GPU: any other failure of the GPU build fails the test, and so does
# a GPU that nvidia-smi lists but recur cannot use.
if ! "$RECUR" bench gemm --device cuda --rounds 1 --steps 1 --gemm-size 64 >/dev/null 2>"$WORK/gpu.err"; then
  grep -q 'is not available' "$WORK/gpu.err" || { cat "$WORK/gpu.err" >&2; exit 1; }
  listed=$(nvidia-smi -L 2>/dev/null | grep '^GPU ' || true)
  [ -z "$listed" ] || { echo "FAIL: nvidia-smi lists $listed but recur cannot use it: $(tail -1 "$WORK/gpu.err")" >&2; exit 1; }
  echo "skipped: $(tail -1 "$WORK/gpu.err")"
  exit 77
fi

# compare_losses cpu.jsonl gpu.jsonl: the training losses of the two runs, step by step.
compare_losses() {
  python3 - "$1" "$2" <<'PY'
import json, sys
def losses(path):
    return {r["step"]: r["loss"] for r in map(json.loads, open(path)) if r.get("type") == "train"}
cpu, gpu = losses(sys.argv[1]), losses(sys.argv[2])
assert cpu.keys() == gpu.keys() and len(cpu) == 20, (sorted(cpu), sorted(gpu))
worst = max(abs(gpu[s] - cpu[s]) / abs(cpu[s]) for s in cpu)
print(f"{len(cpu)} logged steps, largest relative difference {worst:.2e}")
sys.exit(0 if worst <= 1e-3 else 1)
PY
}

steps=(--set training.max_steps=200 --set logging.every_steps=10 --set validation.every_steps=0)
lm=$(tiny_config)
s2s=$(tiny_seq2seq_config)
for config in "$lm" "$s2s"; do
  name=$(basename "$config" .yaml)
  for device in cpu cuda; do
    "$RECUR" train --config "$config" "${steps[@]}" --set "run_dir=$WORK/$name-$device" \
      --device "$device" >"$WORK/$name-$device.out" 2>&1 || fail "$name on $device did not train"
  done
  echo "$name:"
  compare_losses "$WORK/$name-cpu/metrics.jsonl" "$WORK/$name-cuda/metrics.jsonl" ||
    fail "$name: the GPU's loss curve left the CPU's"
done
finish
