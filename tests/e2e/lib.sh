# Helpers for the end-to-end tests. Each test script sources this file with
#   RECUR: the recur binary, SOURCE: the source tree
set -euo pipefail
WORK=$(mktemp -d)
cleanup_steps=()
cleanup() {
  for step in "${cleanup_steps[@]}"; do eval "$step" || true; done
  # A process that is still exiting may write one more file: try again once.
  rm -rf "$WORK" 2>/dev/null || { sleep 1; rm -rf "$WORK"; }
}
trap cleanup EXIT
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# expect_error "exact stderr" command...: the command must exit 1 and print exactly that.
expect_error() {
  local expected=$1
  shift
  local out rc=0
  out=$("$@" 2>&1 >/dev/null) || rc=$?
  if [ "$rc" -ne 1 ]; then fail "exit code $rc (expected 1): $*"; fi
  if [ "$out" != "$expected" ]; then
    fail "unexpected message from: $*"
    echo "  expected: $expected" >&2
    echo "  got:      $out" >&2
  fi
}

# "step loss" of every training step after FROM in a run folder, in join's (lexical) order. The last line of a step wins: an
# interrupted run logged some steps that its resumed run trained again.
train_losses_after() {
  local from=$1 run=$2
  grep '"type": "train"' "$run/metrics.jsonl" |
    sed -E 's/.*"step": ([0-9]+),.*"loss": ([-0-9.e+]+).*/\1 \2/' |
    awk -v from="$from" '$1 > from { loss[$1] = $2 } END { for (s in loss) print s, loss[s] }' | sort
}

# expect_losses_match_after FROM RESUMED WHOLE STEPS [TOLERANCE]: the loss of every step
# FROM+1..STEPS of the run folder RESUMED (resumed from a checkpoint at step FROM) is within
# TOLERANCE (default 1e-5) relative of the uninterrupted run folder WHOLE's; else prints the steps
# that differ and returns 1.
expect_losses_match_after() {
  local from=$1 resumed=$2 whole=$3 steps=$4 tolerance=${5:-1e-5}
  join <(train_losses_after "$from" "$resumed") <(train_losses_after "$from" "$whole") |
    awk -v want=$((steps - from)) -v tolerance="$tolerance" '
      { n++; d = ($2 - $3) / $3; if (d < 0) d = -d; if (d > tolerance) { bad++; print "step " $1 ": " $2 " vs " $3 } }
      END { if (n != want) print n " steps compared, expected " want; exit (bad > 0 || n != want) }' >&2
}

# A small, fast language-model config on the shipped sample.
tiny_config() {
  cat >"$WORK/tiny.yaml" <<YAML
model:
  type: lstm_lm
  embedding_size: 16
  hidden_size: 32
  layers: 2
  dropout: 0.1
data:
  train: $SOURCE/datasets/bible/sample/kjv.valid.txt
  valid: $SOURCE/datasets/bible/sample/kjv.test.txt
  tokenizer: char
training:
  batch_size: 8
  bptt: 30
  max_steps: 40
  variable_bptt: true
  clip_norm: 1.0
optimizer:
  type: adam
  lr: 0.01
validation:
  every_steps: 20
logging:
  every_steps: 10
run_dir: $WORK/run
YAML
  echo "$WORK/tiny.yaml"
}

# A small, fast transformer language-model config on the shipped sample (run_dir $WORK/transformer).
tiny_transformer_lm_config() {
  local sample=$SOURCE/datasets/bible/sample
  cat >"$WORK/transformer.yaml" <<YAML
model:
  type: transformer_lm
  model_size: 32
  heads: 4
  feed_forward_size: 64
  layers: 2
  dropout: 0.1
data:
  train: $sample/kjv.valid.txt
  valid: $sample/kjv.test.txt
  test: $sample/kjv.test.txt
  tokenizer: char
training:
  batch_size: 8
  bptt: 30
  max_steps: 40
optimizer:
  type: adam
  lr: 0.003
validation:
  every_steps: 20
logging:
  every_steps: 10
run_dir: $WORK/transformer
YAML
  echo "$WORK/transformer.yaml"
}

# A small, fast attention-model config on the shipped Spanish-English sample (word tokens).
tiny_seq2seq_config() {
  local sample=$SOURCE/datasets/bible/sample
  cat >"$WORK/tiny-seq2seq.yaml" <<YAML
model:
  type: seq2seq
  embedding_size: 16
  encoder_layers: 1
  encoder_hidden: 16
  decoder_layers: 1
  decoder_hidden: 32
  attention: luong_general
data:
  source_train: $sample/sparv.valid.txt
  target_train: $sample/web.valid.txt
  source_valid: $sample/sparv.test.txt
  target_valid: $sample/web.test.txt
  tokenizer: word
training:
  batch_tokens: 2000
  max_steps: 2
validation:
  every_steps: 0
run_dir: $WORK/seq2seq
YAML
  echo "$WORK/tiny-seq2seq.yaml"
}

# reverse_data: generates the synthetic reverse task under $WORK/data and sets REVERSE_DATA to the
# --set arguments that point a config's data.source_*/target_* at it.
reverse_data() {
  python3 "$SOURCE/datasets/synthetic/generate.py" --task reverse --out "$WORK/data" >/dev/null
  REVERSE_DATA=()
  for split in train valid test; do
    REVERSE_DATA+=(--set "data.source_$split=$WORK/data/$split.src" --set "data.target_$split=$WORK/data/$split.tgt")
  done
}

finish() {
  if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed" >&2
    exit 1
  fi
  echo "all checks passed"
}
