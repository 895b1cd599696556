#!/usr/bin/env bash
# Installs the Debian packages recur needs to build, test and run. Idempotent: packages that are
# already installed are skipped, and apt-get is not called at all when nothing is missing.
#
#   scripts/install-deps.sh            build + test dependencies
#   scripts/install-deps.sh --data     also the SWORD Bibles for datasets/bible/prepare.sh
#   scripts/install-deps.sh --torch    also PyTorch + h5py (reference scripts under tests/reference)
#   scripts/install-deps.sh --slurm    also SLURM and munge (tests/slurm runs a one-node cluster)
set -euo pipefail

packages=(
  build-essential cmake git pkg-config clang-tidy
  clang libclang-rt-dev libomp-dev  # the sanitizer builds and the fuzzers (scripts/test-sanitizers.sh)
  libopenmpi-dev openmpi-bin
  libhdf5-dev
  libyaml-cpp-dev
  nlohmann-json3-dev
  libopenblas-openmp-dev
  libgtest-dev
  libcli11-dev
  libsentencepiece-dev
  python3
  iproute2 util-linux  # ip, unshare, nsenter: the hosts of tests/multinode
)
for arg in "$@"; do
  case "$arg" in
    --data) packages+=(diatheke sword-text-kjv sword-text-web sword-text-sparv) ;;
    --torch) packages+=(python3-torch python3-h5py python3-numpy python3-yaml) ;;
    --slurm) packages+=(slurm-wlm munge) ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "install-deps.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
