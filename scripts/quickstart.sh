#!/usr/bin/env bash
# The main job on the shipped default: installs what is missing, builds recur, trains a character
# LSTM language model on the KJV sample for a minute (progress every 20 steps), then samples text.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target recur
build/recur train --config configs/lm/sample-char.yaml --overwrite
echo
echo "--- sample (recur sample --checkpoint runs/sample-char --prime 'And God said') ---"
build/recur sample --checkpoint runs/sample-char --prime "And God said" --tokens 500 --temperature 0.7
