#!/usr/bin/env bash
# Side-by-side speed of the reverse-KL and forward-KL solvers against the numpy twin, on the same
# workload (256 prompts, K = 4, 4096 responses), in one run. Needs python3 with numpy and scipy.
# The JVM runs with the Vector API (SIMD exp and log, as numpy has), the throughput collector and a
# pre-touched fixed heap,
# so that first-touch page faults of this VM do not time the memory system instead of the solver.
#   benchmarks/run-solver-benchmark.sh [threads]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
classpath="$(benchmarks/classpath.sh)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
java --add-modules jdk.incubator.vector -XX:+UseParallelGC -Xms3g -Xmx3g -XX:+AlwaysPreTouch -cp "$classpath" \
  io.github.multiref.benchmarks.SolverThroughput "$work/workload.bin" "$work/java.bin" "$@" 2>/dev/null \
  | tee "$work/java.txt"
python3 benchmarks/python/numpy_twin.py bench "$work/workload.bin" "$work/java.bin" | tee "$work/numpy.txt"
python3 - "$work/java.txt" "$work/numpy.txt" <<'PY'
import re, sys
rate = lambda f, k: float(re.search(k + r': .*?([0-9.]+) M reference', open(f).read()).group(1))
for k in ('rkl', 'fkl'):
    print(f'{k}: java / numpy = {rate(sys.argv[1], k) / rate(sys.argv[2], k):.1f}x')
PY
