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
for model in mlp lenet5; do
  for threads in 1 2; do
    j=$(flock /tmp/prune4j-bench.lock ./prune4j bench train --model $model --batch 128 --seconds "$secs" --threads $threads --json 2>/dev/null)
    p=$(flock /tmp/prune4j-bench.lock "$py" scripts/bench_train_torch.py $model 128 "$secs" $threads)
    "$py" - "$j" "$p" <<'PY'
import json, sys
j, p = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print("%-7s batch %d threads %d: prune4j %8.0f samples/s, %s %8.0f samples/s, ratio %.2f×" % (
    j["model"], j["batch"], j["threads"], j["samplesPerSecond"], p["engine"], p["samplesPerSecond"],
    j["samplesPerSecond"] / p["samplesPerSecond"]))
PY
  done
done
