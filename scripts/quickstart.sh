#!/usr/bin/env bash
# The main job on the shipped default: installs what is missing, builds recur, trains the
# attention translation model (configs/seq2seq/sample-es-en.yaml: BiLSTM encoder, Luong attention
# with input feeding) on the shipped Spanish-English Bible sample on 2 MPI ranks
# (launcher/recur-mpirun; progress every 20 steps, a few minutes on 2 cores), then translates a
# few held-out verses and writes their attention heatmaps.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target recur
oversubscribe=()
[ "$(nproc)" -ge 2 ] || oversubscribe=(--oversubscribe)
launcher/recur-mpirun -n 2 "${oversubscribe[@]}" -- \
  train --config configs/seq2seq/sample-es-en.yaml --overwrite

run=runs/sample-es-en
sample=datasets/bible/sample
# Four short verses of the test books (Esther, Joel, Colossians), never seen in training.
lines=$(awk 'length > 30 && length < 90 { print NR }' "$sample/sparv.test.txt" | head -n 4)
pick() { for n in $lines; do sed -n "${n}p" "$1"; done; }
pick "$sample/sparv.test.txt" >"$run/quickstart.es"
pick "$sample/web.test.txt" >"$run/quickstart.en"
build/recur translate --checkpoint "$run" --attention "$run/attention" <"$run/quickstart.es" \
  >"$run/quickstart.hyp"
echo
echo "--- held-out verses, translated with beam 5 ---"
paste -d '\t' "$run/quickstart.es" "$run/quickstart.en" "$run/quickstart.hyp" |
  awk -F '\t' '{ printf "  source:    %s\n  reference: %s\n  recur:     %s\n\n", $1, $2, $3 }'
echo "attention heatmaps (SVG, one per verse): $run/attention/"
