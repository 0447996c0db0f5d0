# Finds a JDK >= 25 for prune4j (POSIX sh; sourced by ./prune4j and ./mvnw).
# Order: $JAVA_HOME, then `java` on PATH, then the standard JVM directories
# ($PRUNE4J_JVM_DIRS, space-separated, replaces that list; tests use it).
# On success sets PRUNE4J_JAVA_HOME; on failure sets PRUNE4J_JDK_FOUND to what was seen.
PRUNE4J_MIN_JDK=25

prune4j_jdk_major() { # $1 = JDK home; prints the feature version or nothing
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
  if [ -f "$1/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$1/release" | head -n 1)
  else
    v=$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\).*/\1/p' | head -n 1)
  fi
  [ -n "$v" ] && printf '%s\n' "$v"
}

prune4j_find_jdk() {
  PRUNE4J_JAVA_HOME=""
  PRUNE4J_JDK_FOUND=""
  if [ -n "${JAVA_HOME-}" ]; then
    m=$(prune4j_jdk_major "$JAVA_HOME" || true)
    if [ -n "$m" ] && [ "$m" -ge "$PRUNE4J_MIN_JDK" ]; then PRUNE4J_JAVA_HOME=$JAVA_HOME; return 0; fi
    PRUNE4J_JDK_FOUND="JAVA_HOME=$JAVA_HOME (version ${m:-unknown})"
  fi
  j=$(command -v java 2>/dev/null || true)
  if [ -n "$j" ]; then
    h=$(dirname "$(dirname "$(readlink -f "$j")")")
    m=$(prune4j_jdk_major "$h" || true)
    if [ -n "$m" ] && [ "$m" -ge "$PRUNE4J_MIN_JDK" ]; then PRUNE4J_JAVA_HOME=$h; return 0; fi
    PRUNE4J_JDK_FOUND="${PRUNE4J_JDK_FOUND:+$PRUNE4J_JDK_FOUND, }java on PATH = $h (version ${m:-unknown})"
  fi
  case $- in *f*) noglob=1; set +f ;; *) noglob=0 ;; esac
  for d in ${PRUNE4J_JVM_DIRS:-/usr/lib/jvm/* /usr/java/* /opt/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home}; do
    [ -d "$d" ] || continue
    m=$(prune4j_jdk_major "$d" || true)
    if [ -n "$m" ] && [ "$m" -ge "$PRUNE4J_MIN_JDK" ]; then PRUNE4J_JAVA_HOME=$d; break; fi
  done
  [ "$noglob" = 1 ] && set -f
  [ -n "$PRUNE4J_JAVA_HOME" ] && return 0
  PRUNE4J_JDK_FOUND="${PRUNE4J_JDK_FOUND:-no java at all}"
  return 1
}
