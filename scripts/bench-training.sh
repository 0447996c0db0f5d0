#!/usr/bin/env bash
# Training throughput of prune4j vs PyTorch (Debian's python3-torch) on the same models, batch,
# optimizer (Adam) and threads, run back to back under the shared benchmark lock; prints the ratio.
# Usage: scripts/bench-training.sh [seconds per case, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1-10}
py=/usr/bin/python3
"$py" -c "import torch" 2>/dev/null || { echo "needs PyTorch: apt-get install python3-torch" >&2; exit 2; }
./prune4j --version >/dev/null
# Debian's python3-torch calls the system libblas.so.3; where that is the reference (netlib) BLAS,
# PyTorch's CPU GEMM is an order of magnitude slow. For a fair baseline, point it at OpenBLAS:
# the system's libopenblas0 if installed, else the OpenBLAS that prune4j's benchmark dependency
# (org.bytedeco:openblas) unpacked into ~/.javacpp/cache. Set PRUNE4J_TORCH_BLAS=system to skip.
blasdir=$(mktemp -d)
trap 'rm -rf "$blasdir"' EXIT
openblas=$(ls /usr/lib/x86_64-linux-gnu/libopenblas.so.0 ~/.javacpp/cache/openblas-*/org/bytedeco/openblas/linux-x86_64/libopenblas.so.0 2>/dev/null | head -1 || true)
if [ "${PRUNE4J_TORCH_BLAS-openblas}" = openblas ] && [ -n "$openblas" ]; then
  ln -s "$openblas" "$blasdir/libblas.so.3"
  ln -s "$openblas" "$blasdir/liblapack.so.3"
  echo "PyTorch baseline uses OpenBLAS: $openblas" >&2
fi
for model in mlp lenet5; do
  for threads in 1 2; do
    j=$(flock /tmp/prune4j-bench.lock ./prune4j bench train --model $model --batch 128 --seconds "$secs" --threads $threads --json 2>/dev/null)
    p=$(LD_LIBRARY_PATH="$blasdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" flock /tmp/prune4j-bench.lock "$py" scripts/bench_train_torch.py $model 128 "$secs" $threads)
    "$py" - "$j" "$p" <<'PY'
import json, sys
j, p = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print("%-7s batch %d threads %d: prune4j %8.0f samples/s, %s %8.0f samples/s, ratio %.2f×" % (
    j["model"], j["batch"], j["threads"], j["samplesPerSecond"], p["engine"], p["samplesPerSecond"],
    j["samplesPerSecond"] / p["samplesPerSecond"]))
PY
  done
done
