#!/usr/bin/env bash
# Side-by-side speed of the reverse-KL and forward-KL solvers against the numpy twin, on the same
# workload (256 prompts, K = 4, 4096 responses), in one run. Needs python3 with numpy and scipy.
# The JVM options are those of every benchmark (common.sh): Vector API, throughput collector, and a
# pre-touched fixed heap.
#   benchmarks/run-solver-benchmark.sh [threads]
set -euo pipefail
source "$(dirname "$0")/common.sh"
run_java io.github.multiref.benchmarks.SolverThroughput "$work/workload.bin" "$work/java.bin" "$@" \
  | tee "$work/java.txt"
python3 benchmarks/python/numpy_twin.py bench "$work/workload.bin" "$work/java.bin" | tee "$work/numpy.txt"
python3 - "$work/java.txt" "$work/numpy.txt" <<'PY'
import re, sys
rate = lambda f, k: float(re.search(k + r': .*?([0-9.]+) M reference', open(f).read()).group(1))
for k, numpy in (('rkl', 'rkl'), ('rkl', 'rkl-fast'), ('fkl', 'fkl')):
    print(f'{k}: java / numpy {numpy} = {rate(sys.argv[1], k) / rate(sys.argv[2], numpy):.1f}x')
PY
