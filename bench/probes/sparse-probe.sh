#!/bin/bash
# Runs one of the sparse-kernel probes of bench/probes/java/dev/prune4j/sparse (docs/PERFORMANCE.md,
# Xeon 2026-12-08) against a build: compiles the probe against DIR/target (default: this checkout,
# after ./mvnw package) and runs it with the given arguments. For an A/B, build the other revision
# in a worktree and pass --build that worktree; run the two alternately.
# Usage: bench/probes/sparse-probe.sh [--build DIR] CLASS [ARGS...]
#   e.g. bench/probes/sparse-probe.sh BfProbe 2:4 ; bench/probes/sparse-probe.sh GemmProbe 4096 4096 128
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
build="$root"
if [ "${1-}" = "--build" ]; then build="$(cd "$2" && pwd)"; shift 2; fi
[ $# -ge 1 ] || { echo "usage: $0 [--build DIR] CLASS [ARGS...]" >&2; exit 2; }
cls=$1; shift
src="$root/bench/probes/java/dev/prune4j/sparse/$cls.java"
[ -f "$src" ] || { echo "$0: no probe $src" >&2; exit 2; }
[ -f "$build/target/prune4j.jar" ] || { echo "$0: no $build/target/prune4j.jar (run ./mvnw package there)" >&2; exit 2; }
cd "$root"
. .mvn/find-jdk.sh
prune4j_find_jdk
J="$PRUNE4J_JAVA_HOME/bin"
cp="$build/target/prune4j.jar:$(ls "$build"/target/lib/*.jar | tr '\n' ':')"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$J/javac" --add-modules jdk.incubator.vector -nowarn -cp "$cp" -d "$out" "$src" 2>&1 | grep -v "incubator" || true
"$J/java" -Xmx12g ${PROBE_JAVA_OPTS-} --add-modules jdk.incubator.vector -cp "$out:$cp" "dev.prune4j.sparse.$cls" "$@" 2>&1 | grep -v "WARNING: Using incubator"
