#!/usr/bin/env bash
# Training throughput of prune4j vs PyTorch (Debian's python3-torch) on the same models, batch,
# optimizer (Adam) and threads, run back to back while holding the shared benchmark lock
# (/tmp/prune4j-bench.lock) for the whole run, so that all cases see the same machine; prints ratios.
# Each case runs REPS times, prune4j and PyTorch alternating, and the best of each is compared: on a
# shared machine the best run is the one least disturbed by other work.
# Usage: scripts/bench-training.sh [seconds per case, default 10] [reps, default 3]
# Environment: PRUNE4J_BENCH_MODELS (default "mlp lenet5"), PRUNE4J_BENCH_THREADS (default "1 2"),
# PRUNE4J_TORCH_OMP_WAIT (PyTorch's OMP_WAIT_POLICY, default PASSIVE: with ACTIVE, the OpenMP
# default, its idle threads spin at every barrier, which on a shared machine starves the thread
# that holds the work; set ACTIVE to measure PyTorch's default behaviour).
set -euo pipefail
cd "$(dirname "$0")/.."
./prune4j --version >/dev/null # build (if the sources changed) before taking the lock
# take the benchmark lock once for the whole run (re-executing under flock)
[ -n "${PRUNE4J_BENCH_LOCKED-}" ] || exec env PRUNE4J_BENCH_LOCKED=1 flock /tmp/prune4j-bench.lock "$0" "$@"
secs=${1-10}
reps=${2-3}
py=/usr/bin/python3
"$py" -c "import torch" 2>/dev/null || { echo "needs PyTorch: apt-get install python3-torch" >&2; exit 2; }
echo "$(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)" >&2
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
omp_wait=${PRUNE4J_TORCH_OMP_WAIT-PASSIVE}
echo "PyTorch OMP_WAIT_POLICY=$omp_wait" >&2
for model in ${PRUNE4J_BENCH_MODELS-mlp lenet5}; do
  for threads in ${PRUNE4J_BENCH_THREADS-1 2}; do
    js=() ps=()
    for ((r = 0; r < reps; r++)); do
      js+=("$(./prune4j bench train --model $model --batch 128 --seconds "$secs" --threads $threads --json 2>/dev/null)")
      # Same thread count for PyTorch's intra-op pool, its OpenMP runtime and the BLAS underneath it
      # (OpenBLAS otherwise starts one thread per core on top of torch.set_num_threads).
      ps+=("$(LD_LIBRARY_PATH="$blasdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" OMP_NUM_THREADS=$threads OMP_WAIT_POLICY=$omp_wait OPENBLAS_NUM_THREADS=$threads \
        "$py" scripts/bench_train_torch.py $model 128 "$secs" $threads)")
    done
    "$py" - "${js[@]}" "${ps[@]}" <<'PY'
import json, sys
runs = [json.loads(a) for a in sys.argv[1:]]
k = len(runs) // 2
j = max(runs[:k], key=lambda r: r["samplesPerSecond"])
p = max(runs[k:], key=lambda r: r["samplesPerSecond"])
all_j = " ".join("%.0f" % r["samplesPerSecond"] for r in runs[:k])
all_p = " ".join("%.0f" % r["samplesPerSecond"] for r in runs[k:])
print("%-7s batch %d threads %d: prune4j %8.0f samples/s, %s %8.0f samples/s, ratio %.2f× (best of %d; prune4j %s; pytorch %s)" % (
    j["model"], j["batch"], j["threads"], j["samplesPerSecond"], p["engine"], p["samplesPerSecond"],
    j["samplesPerSecond"] / p["samplesPerSecond"], k, all_j, all_p))
PY
  done
done
