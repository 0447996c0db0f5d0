#!/usr/bin/env bash
# Reproduces the "Pruning while training (Fashion-MNIST)" section of docs/RESULTS.md and
# docs/img/sensitivity-mlp.svg: MLP 784-300-100-10 and a LeNet-5-style CNN, Adam 1e-3, batch 128,
# seed 42, one prune4j prune-train run per method and sparsity. JSON reports (and the recipes) go to
# target/training-results/; scripts/training-results.py turns them into the section, and the
# hand-written findings come from scripts/training-results-findings.md.
# Needs Debian's dataset-fashion-mnist. Resumable: a run whose report exists is skipped.
# Usage: scripts/training-results.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/training-results
mkdir -p "$out"
# (The JVM default G1 collector, as the launcher: ParallelGC halved our GEMM, see docs/PERFORMANCE.md.)
# Build once, then run a frozen copy of the jar so that edits to the sources cannot change a run midway.
./prune4j --version >/dev/null
rm -rf "$out/app" && mkdir -p "$out/app" && cp -r target/prune4j.jar target/lib "$out/app/"
. .mvn/find-jdk.sh && prune4j_find_jdk
p4j() {
  "$PRUNE4J_JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
    -Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0 -jar "$out/app/prune4j.jar" "$@"
}
sparsities="0.8 0.9 0.95 0.98"
base='"seed": 42, "model": {"kind": "mlp", "hidden": [300, 100]}, "train": {"epochs": 3, "optimizer": "adam", "lr": 0.001, "batchSize": 128}'

run() { # name, method JSON, [extra top-level JSON]
  local name=$1 method=$2 extra=${3-}
  [ -s "$out/$name.json" ] && return 0
  printf '{%s, "method": %s%s}\n' "$base" "$method" "${extra:+, $extra}" > "$out/$name.recipe.json"
  echo "== $name" >&2
  p4j prune-train --recipe "$out/$name.recipe.json" --json > "$out/$name.json.tmp"
  mv "$out/$name.json.tmp" "$out/$name.json"
}

method_runs() { # sparsity
  local s=$1 d r3
  d=$(python3 -c "print(round(1 - $s, 6))")
  r3=$(python3 -c "print(round(1 - (1 - $s) ** (1 / 3), 6))")
  run "imp-lr-$s" "{\"kind\": \"iterative\", \"rate\": $r3, \"rounds\": 3, \"trainEpochs\": 1, \"rewind\": \"lr\", \"allocation\": \"global\"}"
  run "lottery-$s" "{\"kind\": \"iterative\", \"rate\": $r3, \"rounds\": 3, \"trainEpochs\": 1, \"rewind\": \"init\", \"allocation\": \"global\"}"
  run "gradual-$s" "{\"kind\": \"gradual\", \"sparsity\": $s, \"trainEpochs\": 4, \"allocation\": \"global\"}"
  run "rigl-$s" "{\"kind\": \"rigl\", \"density\": $d, \"trainEpochs\": 4, \"deltaT\": 100}"
  run "set-$s" "{\"kind\": \"set\", \"density\": $d, \"trainEpochs\": 4}"
  run "static-$s" "{\"kind\": \"static-sparse\", \"density\": $d, \"trainEpochs\": 4}"
  run "distill-oneshot-$s" "{\"kind\": \"one-shot\", \"sparsity\": $s, \"allocation\": \"global\", \"trainEpochs\": 0, \"fineTuneEpochs\": 1}" \
      '"distill": {"alpha": 0.5, "temperature": 4, "teacherEpochs": 3}'
}

# Most informative runs first (the whole grid takes a few hours on a busy 2-core machine).
for s in $sparsities; do
  run "oneshot-$s" "{\"kind\": \"one-shot\", \"sparsity\": $s, \"allocation\": \"global\", \"trainEpochs\": 3, \"fineTuneEpochs\": 1}"
done
method_runs 0.9
run "sensitivity" '{"kind": "sensitivity", "trainEpochs": 3, "sweep": [0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99]}'
run "structured-l1-0.5" '{"kind": "structured", "norm": "l1", "fraction": 0.5, "trainEpochs": 3, "fineTuneEpochs": 1}'
run "group-lasso-1.0" '{"kind": "group-lasso", "lambda": 1.0, "trainEpochs": 3, "fineTuneEpochs": 1, "epsilon": 1e-6}'
# Parameters and FLOPs removed vs accuracy: a sweep of the group-lasso strength and of the L1 fraction.
for l in 0.3 3.0 10.0; do
  run "group-lasso-$l" "{\"kind\": \"group-lasso\", \"lambda\": $l, \"trainEpochs\": 3, \"fineTuneEpochs\": 1, \"epsilon\": 1e-6}"
done
for f in 0.25 0.75; do
  run "structured-l1-$f" "{\"kind\": \"structured\", \"norm\": \"l1\", \"fraction\": $f, \"trainEpochs\": 3, \"fineTuneEpochs\": 1}"
done
for s in 0.98 0.95 0.8; do
  method_runs "$s"
done
# LeNet-5-style CNN; one CNN epoch costs about 5-10 MLP epochs, so the grid runs in order of value.
base='"seed": 42, "model": {"kind": "lenet5"}, "train": {"epochs": 3, "optimizer": "adam", "lr": 0.001, "batchSize": 128}'
lenet_runs() { # sparsity, then the methods to run
  local s=$1 d r3 m
  shift
  d=$(python3 -c "print(round(1 - $s, 6))")
  r3=$(python3 -c "print(round(1 - (1 - $s) ** (1 / 3), 6))")
  for m in "$@"; do
    case $m in
      oneshot) run "lenet-oneshot-$s" "{\"kind\": \"one-shot\", \"sparsity\": $s, \"allocation\": \"global\", \"trainEpochs\": 3, \"fineTuneEpochs\": 1}" ;;
      imp-lr) run "lenet-imp-lr-$s" "{\"kind\": \"iterative\", \"rate\": $r3, \"rounds\": 3, \"trainEpochs\": 1, \"rewind\": \"lr\", \"allocation\": \"global\"}" ;;
      lottery) run "lenet-lottery-$s" "{\"kind\": \"iterative\", \"rate\": $r3, \"rounds\": 3, \"trainEpochs\": 1, \"rewind\": \"init\", \"allocation\": \"global\"}" ;;
      gradual) run "lenet-gradual-$s" "{\"kind\": \"gradual\", \"sparsity\": $s, \"trainEpochs\": 4, \"allocation\": \"global\"}" ;;
      rigl) run "lenet-rigl-$s" "{\"kind\": \"rigl\", \"density\": $d, \"trainEpochs\": 4, \"deltaT\": 100}" ;;
      set) run "lenet-set-$s" "{\"kind\": \"set\", \"density\": $d, \"trainEpochs\": 4}" ;;
      static) run "lenet-static-$s" "{\"kind\": \"static-sparse\", \"density\": $d, \"trainEpochs\": 4}" ;;
      distill) run "lenet-distill-oneshot-$s" "{\"kind\": \"one-shot\", \"sparsity\": $s, \"allocation\": \"global\", \"trainEpochs\": 0, \"fineTuneEpochs\": 1}" \
          '"distill": {"alpha": 0.5, "temperature": 4, "teacherEpochs": 3}' ;;
    esac
  done
}
lenet_runs 0.9 oneshot imp-lr gradual rigl
lenet_runs 0.8 oneshot imp-lr gradual
lenet_runs 0.95 oneshot imp-lr gradual
lenet_runs 0.9 set
run "lenet-group-lasso-1.0" '{"kind": "group-lasso", "lambda": 1.0, "trainEpochs": 3, "fineTuneEpochs": 1, "epsilon": 1e-6}'
run "lenet-structured-l1-0.5" '{"kind": "structured", "norm": "l1", "fraction": 0.5, "trainEpochs": 3, "fineTuneEpochs": 1}'
lenet_runs 0.8 rigl set
lenet_runs 0.95 rigl set
lenet_runs 0.98 oneshot imp-lr gradual rigl set
for s in 0.8 0.9 0.95 0.98; do
  lenet_runs "$s" lottery static distill
done
mkdir -p docs/img
python3 scripts/training-results.py "$out" "$out/section.md" docs/img/sensitivity-mlp.svg
scripts/update-section.sh docs/RESULTS.md training "$out/section.md"
echo "updated the training section of docs/RESULTS.md and docs/img/sensitivity-mlp.svg" >&2
