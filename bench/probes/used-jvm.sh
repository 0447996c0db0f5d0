#!/bin/bash
# Does a sparse kernel slow down once the JVM has run the format calibration (docs/PERFORMANCE.md,
# "Kernels that slow down in a used JVM")? Compiles bench/probes/java against the built jar and runs
# UsedJvmProbe on a 2048x2048 2:4 layer: fresh, after a calibration, after Lanes.sum saw mixed lane counts.
# Usage: [PROBE_JAVA_OPTS=...] bench/probes/used-jvm.sh [ROWS COLS]   (after ./mvnw package; the 16-lane loops need AVX-512)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/../.."
. .mvn/find-jdk.sh
prune4j_find_jdk
J="$PRUNE4J_JAVA_HOME/bin"
cp="target/prune4j.jar:$(ls target/lib/*.jar | tr '\n' ':')"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$J/javac" --add-modules jdk.incubator.vector -nowarn -cp "$cp" -d "$out" bench/probes/java/dev/prune4j/sparse/UsedJvmProbe.java 2>&1 | grep -v "incubator" || true
for mode in fresh calibrate mixed-sums; do
  echo "== $mode"
  "$J/java" -Xmx8g ${PROBE_JAVA_OPTS-} --add-modules jdk.incubator.vector -cp "$out:$cp" dev.prune4j.sparse.UsedJvmProbe "${1:-2048}" "${2:-2048}" $mode 2>&1 | grep -v "WARNING: Using incubator"
done
