#!/usr/bin/env bash
# The main job on the shipped default: installs what is missing, builds recur, trains a character
# LSTM language model on the KJV sample for a minute on 2 MPI ranks (launcher/recur-mpirun;
# progress every 20 steps), then samples text from it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target recur
oversubscribe=()
[ "$(nproc)" -ge 2 ] || oversubscribe=(--oversubscribe)
launcher/recur-mpirun -n 2 "${oversubscribe[@]}" -- train --config configs/lm/sample-char.yaml --overwrite
echo
echo "--- sample (recur sample --checkpoint runs/sample-char --prime 'And God said') ---"
build/recur sample --checkpoint runs/sample-char --prime "And God said" --tokens 500 --temperature 0.7
