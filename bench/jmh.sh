#!/usr/bin/env bash
# Runs the JMH suites in src/test/java/dev/prune4j/jmh from the test classpath, with the JVM
# flags of the pom's prune4j.jvmFlags (forks get them too). Extra arguments go to JMH, e.g.
#   bench/jmh.sh GemmBench -p m=16 -p threads=1      bench/jmh.sh -l   (list)
# Wrap timing runs on a shared machine: flock /tmp/prune4j-bench.lock bench/jmh.sh ...
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$root"
. "$root/.mvn/find-jdk.sh"
if ! prune4j_find_jdk; then
  echo "jmh.sh: needs a JDK >= $PRUNE4J_MIN_JDK; found: $PRUNE4J_JDK_FOUND" >&2
  exit 2
fi
export JAVA_HOME="$PRUNE4J_JAVA_HOME"
./mvnw -q -B -DskipTests test-compile
flags=$(sed -n 's:.*<prune4j.jvmFlags>\(.*\)</prune4j.jvmFlags>.*:\1:p' pom.xml)
cp="$root/target/test-classes:$root/target/classes:$(cat "$root/target/test-classpath.txt")"
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" $flags -cp "$cp" org.openjdk.jmh.Main -jvmArgsAppend "$flags" "$@"
