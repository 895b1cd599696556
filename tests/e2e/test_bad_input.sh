#!/usr/bin/env bash
# Bad input gets one clear message, exit code 1, and leaves earlier results intact.
RECUR=$1 SOURCE=$2
source "$(dirname "$0")/lib.sh"
config=$(tiny_config)

expect_error "recur: error: cannot read config file '$WORK/none.yaml': no such file" \
  "$RECUR" train --config "$WORK/none.yaml"

printf 'model:\n  type: [lstm_lm\n' >"$WORK/syntax.yaml"
expect_error "recur: error: $WORK/syntax.yaml:3:1: YAML syntax error: end of sequence flow not found" \
  "$RECUR" train --config "$WORK/syntax.yaml"

expect_error "recur: error: invalid config: --set optimizer.lrr=1: optimizer.lrr: unknown key (did you mean 'optimizer.lr'?)" \
  "$RECUR" train --config "$config" --set optimizer.lrr=1

expect_error "recur: error: cannot read data file '$WORK/missing.txt': no such file or not readable" \
  "$RECUR" train --config "$config" --set "data.train=$WORK/missing.txt"

printf '\n\n' >"$WORK/empty.txt"
expect_error "recur: error: data file '$WORK/empty.txt' is empty (no non-empty line)" \
  "$RECUR" train --config "$config" --set "data.valid=$WORK/empty.txt"

printf 'ok\nnot \xff utf-8\n' >"$WORK/binary.txt"
expect_error "recur: error: $WORK/binary.txt:2: invalid UTF-8 at byte 4 of line 'not $(printf '\xff') utf-8'" \
  "$RECUR" train --config "$config" --set "data.train=$WORK/binary.txt"

# A vocabulary that does not match the data: a word vocabulary for a char config, and eval on
# text in another script.
"$RECUR" train --config "$config" --set data.tokenizer=word --set training.max_steps=2 \
  --set "run_dir=$WORK/words" >/dev/null
expect_error "recur: error: data.vocab: $WORK/words/vocab.txt was built with the word tokenizer, but data.tokenizer is char" \
  "$RECUR" train --config "$config" --set "data.vocab=$WORK/words/vocab.txt"

"$RECUR" train --config "$config" >/dev/null
printf 'Βίβλος γενέσεως Ἰησοῦ Χριστοῦ\n' >"$WORK/greek.txt"
expect_error "recur: error: the vocabulary does not match $WORK/greek.txt: 26 of 31 tokens (83%) are not in it (char tokenizer, 63 entries)" \
  "$RECUR" eval --checkpoint "$WORK/run" --data "$WORK/greek.txt"

# A trained run is not overwritten by accident, and a failed run leaves it as it was.
before=$(sha256sum "$WORK/run/model.h5")
expect_error "recur: error: run directory $WORK/run already holds a trained model (model.h5); set another run_dir, pass --overwrite, or --resume" \
  "$RECUR" train --config "$config"
[ "$(sha256sum "$WORK/run/model.h5")" = "$before" ] || fail "model.h5 changed"

expect_error "recur: error: no model at $WORK/nothing.h5: no such file or directory" \
  "$RECUR" sample --checkpoint "$WORK/nothing.h5"
printf 'not hdf5' >"$WORK/fake.h5"
expect_error "recur: error: $WORK/fake.h5 is not an HDF5 file" "$RECUR" eval --checkpoint "$WORK/fake.h5"

# An unknown device, whichever command names it.
expect_error "recur: error: unknown device 'tpu' (expected cpu, cuda or cuda:N)" \
  "$RECUR" train --config "$config" --device tpu
expect_error "recur: error: unknown device 'gpu' (expected cpu, cuda or cuda:N)" \
  "$RECUR" eval --checkpoint "$WORK/run" --device gpu
expect_error "recur: error: unknown device 'cuda:x' (expected cpu, cuda or cuda:N)" \
  "$RECUR" bench lm --device cuda:x

# Checkpoints that are not there or not whole.
expect_error "recur: error: cannot resume from $WORK/nothing: not a checkpoint directory (it has no manifest.json)" \
  "$RECUR" train --config "$config" --resume "$WORK/nothing"
expect_error "recur: error: $WORK is not a checkpoint directory (it has no manifest.json)" "$RECUR" ckpt verify "$WORK"
"$RECUR" train --config "$config" --set "run_dir=$WORK/ckpt" --set training.max_steps=4 \
  --set checkpoint.every_steps=2 >/dev/null
truncate -s 100 "$WORK/ckpt/checkpoints/step-00000004/state.h5"
expect_error "recur: error: cannot resume from $WORK/ckpt/checkpoints/step-00000004: state.h5 has 100 bytes, the manifest says $(sed -n 's/.*"state.h5", "bytes": \([0-9]*\).*/\1/p' "$WORK/ckpt/checkpoints/step-00000004/manifest.json") (truncated?)" \
  "$RECUR" train --config "$config" --set "run_dir=$WORK/ckpt" --resume "$WORK/ckpt/checkpoints/step-00000004"
expect_error "recur: error: --resume and --init-from exclude each other" \
  "$RECUR" train --config "$config" --resume auto --init-from "$WORK/run"

# Parallel data: unequal line counts, invalid UTF-8 and nothing left to train on are errors; empty
# sides, overlong pairs and unknown tokens are skipped or mapped to <unk>, and counted.
seq2seq=$(tiny_seq2seq_config)
pairs() { printf "$1" >"$WORK/pairs.src"; printf "$2" >"$WORK/pairs.tgt"; }
train_on_pairs() {
  "$RECUR" train --config "$seq2seq" --set "data.source_train=$WORK/pairs.src" \
    --set "data.target_train=$WORK/pairs.tgt" --overwrite "$@"
}
pairs 'uno dos\ntres\n' 'one two\n'
expect_error "recur: error: $WORK/pairs.src has 2 lines but $WORK/pairs.tgt has 1: a parallel corpus needs one target line per source line" \
  train_on_pairs
pairs 'uno dos\ntr\xe9s\n' 'one two\nthree\n'
expect_error "recur: error: $WORK/pairs.src:2: invalid UTF-8 at byte 2 of line 'tr$(printf '\xe9')s'" train_on_pairs
pairs '\n \n' '\n\n'
expect_error "recur: error: $WORK/pairs.src and $WORK/pairs.tgt hold no sentence pair" train_on_pairs
pairs 'uno dos tres\n' 'one two three\n'
expect_error "recur: error: every sentence pair of $WORK/pairs.src and $WORK/pairs.tgt has a side longer than data.max_length (2 tokens)" \
  train_on_pairs --set data.max_length=2

# Lines 2-4 have one empty side, line 5 is a document break, line 6 is too long (data.max_length
# 3), line 7 has a word on each side that the vocabularies (min_frequency 2) do not keep.
pairs 'uno dos\n\ntres\n\n\nuno dos tres cuatro\nuno siete\nuno dos\n' \
  'one two\nx\n\nthree\n\none two three four\none seven\none two\n'
log=$(train_on_pairs --set data.max_length=3 --set data.min_frequency=2 --set data.source_valid= \
  --set data.target_valid= 2>&1) || fail "training on the odd pairs failed: $log"
for line in "data: $WORK/pairs.src: 4 pairs, 1 blank lines" \
  "data: train 3 pairs (skipped: 3 with an empty side, 1 longer than 3 tokens); unknown tokens: source 1 of 6, target 1 of 6"; do
  grep -qxF "$line" <<<"$log" || fail "no line '$line' in: $log"
done

# Divergence stops training with the step named.
out=$("$RECUR" train --config "$config" --set optimizer.type=sgd --set optimizer.lr=1e30 \
  --set training.clip_norm=0 --set "run_dir=$WORK/diverge" 2>&1 >/dev/null) && fail "divergence exit code"
echo "$out" | grep -q '^recur: error: training diverged at step [0-9]*: loss ' || fail "divergence message: $out"
finish
