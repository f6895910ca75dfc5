# Sourced by the run-*-benchmark scripts. Builds the benchmarks module, then gives them the
# repository root as working directory, a scratch directory $work removed on exit, and run_java:
# the one JVM command line of every side-by-side measurement. It has the Vector API (SIMD exp and
# log, as numpy has), the throughput collector and a pre-touched fixed heap, so that first-touch
# page faults of this VM do not time the memory system instead of the code.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q -Dstyle.color=never -DskipTests install -pl benchmarks -am >&2
mvn -B -q -Dstyle.color=never dependency:build-classpath -pl benchmarks \
  -Dmdep.outputFile=target/classpath.txt >&2
classpath="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# run_java MAIN_CLASS [ARGS...]: stdout is the benchmark's report; the JDK's notices are dropped
run_java() {
  java --add-modules jdk.incubator.vector -XX:+UseParallelGC -Xms3g -Xmx3g -XX:+AlwaysPreTouch \
    -cp "$classpath" "$@" 2>/dev/null
}

# measure NAME COMMAND...: wall seconds and peak resident memory of the whole process (GNU time),
# in $work/NAME.time; the command's output goes to $work/NAME.out
measure() {
  if ! /usr/bin/time -f "$1: %e s wall, peak RSS %M KB" -o "$work/$1.time" "${@:2}" \
      > "$work/$1.out" 2>&1; then
    cat "$work/$1.out" >&2
    exit 1
  fi
  cat "$work/$1.time"
}
