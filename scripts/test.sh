#!/usr/bin/env bash
# Installs what is missing (including the SWORD Bibles the data test exports and the SLURM the
# batch-script test runs), builds recur and its tests, and runs every test with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --data --slurm
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure -j"$(nproc)"
