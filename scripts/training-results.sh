#!/usr/bin/env bash
# Reproduces the "Pruning while training" section of docs/RESULTS.md: Fashion-MNIST, MLP
# 784-300-100-10, Adam 1e-3, batch 128, seed 42, one prune4j prune-train run per method and
# sparsity. JSON reports go to target/training-results/; the markdown tables are printed at the end.
# Needs Debian's dataset-fashion-mnist. Usage: scripts/training-results.sh [quick]
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/training-results
mkdir -p "$out"
# Build once, then run a frozen copy of the jar so that edits to the sources cannot change a run midway.
./prune4j --version >/dev/null
rm -rf "$out/app" && mkdir -p "$out/app" && cp -r target/prune4j.jar target/lib "$out/app/"
. .mvn/find-jdk.sh && prune4j_find_jdk
p4j() {
  "$PRUNE4J_JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
    -Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0 -XX:+UseParallelGC -jar "$out/app/prune4j.jar" "$@"
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
for s in 0.98 0.95 0.8; do
  method_runs "$s"
done
# LeNet-5-style CNN at 90% (and channel removal); slower per epoch than the MLP.
base='"seed": 42, "model": {"kind": "lenet5"}, "train": {"epochs": 3, "optimizer": "adam", "lr": 0.001, "batchSize": 128}'
run "lenet-oneshot-0.9" '{"kind": "one-shot", "sparsity": 0.9, "allocation": "global", "trainEpochs": 3, "fineTuneEpochs": 1}'
run "lenet-imp-lr-0.9" '{"kind": "iterative", "rate": 0.535841, "rounds": 3, "trainEpochs": 1, "rewind": "lr", "allocation": "global"}'
run "lenet-gradual-0.9" '{"kind": "gradual", "sparsity": 0.9, "trainEpochs": 4, "allocation": "global"}'
run "lenet-rigl-0.9" '{"kind": "rigl", "density": 0.1, "trainEpochs": 4, "deltaT": 100}'
run "lenet-structured-l1-0.5" '{"kind": "structured", "norm": "l1", "fraction": 0.5, "trainEpochs": 3, "fineTuneEpochs": 1}'
python3 scripts/training-results.py "$out"
