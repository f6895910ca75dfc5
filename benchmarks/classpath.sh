#!/usr/bin/env bash
# Builds the benchmarks module and prints its class path (sourced by the run-*-benchmark scripts).
set -euo pipefail
mvn -B -q -Dstyle.color=never -DskipTests install -pl benchmarks -am >&2
mvn -B -q -Dstyle.color=never dependency:build-classpath -pl benchmarks \
  -Dmdep.outputFile=target/classpath.txt >&2
echo "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
