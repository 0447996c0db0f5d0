#!/bin/bash
# Re-measures every performance target of issues 3, 4, 5 and 7, one command after the other,
# writing JSON and stderr per step and a run.log (time and load average per step) to OUTPUT_DIR.
# Run it with nothing else on the machine, under the bench lock:
#   flock /tmp/prune4j-bench.lock scripts/bench-quiet.sh docs/data/quiet-YYYY-MM-DD
# Move ~/.cache/prune4j/sparse-calibration.json away first to re-calibrate the sparse formats.
# Takes about 20 minutes on the 2-core development machine.
set -u
cd "$(dirname "$(readlink -f "$0")")/.."
D=${1:?usage: scripts/bench-quiet.sh OUTPUT_DIR}
mkdir -p "$D"
log() { echo "[$(date -u +%H:%M:%S) load $(cut -d' ' -f1 /proc/loadavg)] $*" | tee -a "$D"/run.log; }
log start
log kernels; ./prune4j bench kernels --quick --json > "$D"/kernels-quick.json 2> "$D"/kernels-quick.err
log sparse-t2; ./prune4j bench sparse --quick --threads 2 --json > "$D"/sparse-t2.json 2> "$D"/sparse-t2.err
log sparse-t1; ./prune4j bench sparse --quick --threads 1 --json > "$D"/sparse-t1.json 2> "$D"/sparse-t1.err
log embed; ./prune4j bench embed --seconds 3 --json > "$D"/embed.json 2> "$D"/embed.err
log decode-bf16; PRUNE4J_HEAP=14g ./prune4j bench decode --dtype BF16 --runtime dense --json > "$D"/decode-bf16.json 2> "$D"/decode-bf16.err
log decode-f32; PRUNE4J_HEAP=14g ./prune4j bench decode --dtype F32 --runtime dense --json > "$D"/decode-f32.json 2> "$D"/decode-f32.err
log done-dense
# sparse end to end (issue 7): decode on the synthetic 1.1B, baseline dense F32 in the same run; MiniLM pruned 50%
C="--prefill 16 --tokens 8 --probe-mib 256 --baseline --json"
log e2e-2of4; PRUNE4J_HEAP=14g ./prune4j bench decode --dtype F32 --sparsity 2:4 --runtime auto $C > "$D"/decode-sparse-2of4.json 2> "$D"/decode-sparse-2of4.err
log e2e-50; PRUNE4J_HEAP=14g ./prune4j bench decode --dtype F32 --sparsity 0.5 --runtime auto $C > "$D"/decode-sparse-50.json 2> "$D"/decode-sparse-50.err
log e2e-60-int8; PRUNE4J_HEAP=14g ./prune4j bench decode --dtype F32 --sparsity 0.6 --runtime sparse --sparse-format bitmask --int8 $C > "$D"/decode-sparse-60-int8.json 2> "$D"/decode-sparse-60-int8.err
log embed-pruned50; ./prune4j bench embed --prune 0.5 --runtime auto --seconds 3 --json > "$D"/embed-pruned50.json 2> "$D"/embed-pruned50.err
log done-sparse-e2e
log prune-scale-b7; PRUNE4J_HEAP=10g ./prune4j bench prune-scale --size B7 --layers 2 --json > "$D"/prune-scale-b7-2blocks.json 2> "$D"/prune-scale-b7-2blocks.err
log embed-2; ./prune4j bench embed --seconds 3 --json > "$D"/embed-2.json 2> "$D"/embed-2.err
log decode-bf16-2; PRUNE4J_HEAP=14g ./prune4j bench decode --dtype BF16 --runtime dense --json > "$D"/decode-bf16-2.json 2> "$D"/decode-bf16-2.err
log finished
