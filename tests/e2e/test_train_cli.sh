#!/usr/bin/env bash
# recur train / eval / sample on the shipped sample: outputs, run directory, determinism.
RECUR=$1 SOURCE=$2
source "$(dirname "$0")/lib.sh"
config=$(tiny_config)

# Every shipped config is valid.
for shipped in "$SOURCE"/configs/*/*.yaml; do
  "$RECUR" config --check "$shipped" >/dev/null || fail "$shipped does not validate"
done

"$RECUR" train --config "$config" >"$WORK/train.out"
grep -q '^step      10 | epoch 0\.[0-9][0-9] | loss [0-9.]* | ppl [0-9.]* | bpc [0-9.]* | lr [0-9.]*e-0[0-9] | gnorm [0-9.]* (clipped [0-9]*%) | .* tok/s | ETA ' \
  "$WORK/train.out" || fail "progress line format"
grep -q '^valid   step 20 | loss' "$WORK/train.out" || fail "validation line"
grep -q '^stopped after 40 steps (reached training.max_steps)' "$WORK/train.out" || fail "stop line"
for f in config.yaml VERSION vocab.txt metrics.jsonl model.h5 model.best.h5 train.rank0.log; do
  [ -s "$WORK/run/$f" ] || fail "run directory lacks $f"
done
[ "$(grep -c '"type": "train"' "$WORK/run/metrics.jsonl")" -eq 4 ] || fail "4 train lines in metrics.jsonl"
grep -q '^# recur .* (git ' "$WORK/run/config.yaml" || fail "config.yaml names the version"

# eval: the default data is the config's test set, falling back to valid.
"$RECUR" eval --checkpoint "$WORK/run" >"$WORK/eval.out"
grep -q 'kjv.test.txt: [0-9]* tokens | loss [0-9.]* | ppl [0-9.]* | bpc [0-9.]*$' "$WORK/eval.out" || fail "eval output"

# sample: starts with the prime, produces text.
"$RECUR" sample --checkpoint "$WORK/run/model.h5" --prime "And God" --tokens 80 --seed 3 >"$WORK/sample.out"
head -c 7 "$WORK/sample.out" | grep -q '^And God' || fail "sample starts with the prime"
[ "$(wc -c <"$WORK/sample.out")" -gt 60 ] || fail "sample length"
"$RECUR" sample --checkpoint "$WORK/run/model.h5" --prime "And God" --tokens 80 --seed 3 | cmp -s - "$WORK/sample.out" ||
  fail "same seed, same sample"

# Same seed: bit-identical loss trajectory (everything but timings).
strip_timing() { sed -E 's/, "(tokens_per_s|[a-z_]*_ms|elapsed_s|train_s)": [^,}]*//g' "$1"; }
cp "$WORK/run/metrics.jsonl" "$WORK/first.jsonl"
"$RECUR" train --config "$config" --overwrite >/dev/null
cmp -s <(strip_timing "$WORK/first.jsonl") <(strip_timing "$WORK/run/metrics.jsonl") ||
  fail "the same seed gave a different loss trajectory"
"$RECUR" train --config "$config" --overwrite --set training.seed=2 >/dev/null
cmp -s <(strip_timing "$WORK/first.jsonl") <(strip_timing "$WORK/run/metrics.jsonl") &&
  fail "another seed gave the same trajectory"

# Under umask 000, nothing recur writes is group- or world-writable (checkpoints included).
(umask 000 && "$RECUR" train --config "$config" --overwrite --set checkpoint.every_steps=10 >/dev/null) ||
  fail "training under umask 000"
writable=$(find "$WORK/run" -perm /022 -print -quit)
[ -z "$writable" ] || fail "group- or world-writable under umask 000: $writable"
[ -n "$(find "$WORK/run/checkpoints" -name 'shard-*.h5' -perm 0644)" ] || fail "a checkpoint shard is not 0644"
finish
