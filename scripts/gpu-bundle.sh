#!/usr/bin/env bash
# What a GPU host needs to run recur's GPU checks (scripts/gpu-acceptance.sh), as one archive: the
# programs given and the shared libraries they load that such a host lacks (it has the C and C++
# runtimes, the NVIDIA driver and the CUDA toolkit with cuBLAS and NCCL), and env.sh, which puts
# them on PATH and LD_LIBRARY_PATH. Writes DEST/ and DEST.tar.gz; prints the archive's size in
# bytes. A program started without mpirun is world size 1 and needs no MPI runtime files.
#
#   scripts/gpu-bundle.sh DEST PROGRAM...        e.g. gpu-bundle build/recur build/tests/test_gpu
#   on the GPU host: tar -xzf gpu-bundle.tar.gz && source gpu-bundle/env.sh && recur ...
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 DEST PROGRAM..." >&2; exit 2; }
dest=$1
shift
# Libraries the GPU host provides: the C/C++ runtime and the NVIDIA driver and CUDA libraries.
host_provides='^(linux-vdso|ld-linux|libc\.so|libm\.so|libdl\.so|libpthread\.so|librt\.so|libstdc\+\+|libgcc_s|libcuda\.so|libnvidia|libcublas|libcublasLt|libcudart|libnccl)'
rm -rf "$dest"
mkdir -p "$dest/bin" "$dest/lib"
for program in "$@"; do
  cp -L "$program" "$dest/bin/"
  ldd "$program" | awk '/=>/ { print $1, $3 }' | while read -r name path; do
    [[ $name =~ $host_provides ]] && continue
    [ -e "$dest/lib/$name" ] || cp -L "$path" "$dest/lib/$name"
  done
done
cat >"$dest/env.sh" <<'ENV'
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export LD_LIBRARY_PATH="$here/lib:/usr/local/cuda/lib64${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export PATH="$here/bin:$PATH"
ENV
tar -czf "$dest.tar.gz" -C "$(dirname "$dest")" "$(basename "$dest")"
stat -c %s "$dest.tar.gz"
