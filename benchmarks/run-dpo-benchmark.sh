#!/usr/bin/env bash
# Side-by-side speed of batched multi-reference DPO scoring (1,000,000 pairs, K = 4, reverse KL,
# sigmoid loss) against the numpy twin, on the same workload, in one run. Needs numpy.
# The JVM options are those of every benchmark (common.sh).
#   benchmarks/run-dpo-benchmark.sh [threads]
set -euo pipefail
source "$(dirname "$0")/common.sh"
run_java io.github.multiref.benchmarks.DpoThroughput "$work/workload.bin" "$work/java.bin" "$@" \
  | tee "$work/java.txt"
python3 benchmarks/python/numpy_dpo_twin.py bench "$work/workload.bin" "$work/java.bin" | tee "$work/numpy.txt"
python3 - "$work/java.txt" "$work/numpy.txt" <<'PY'
import re, sys
rate = lambda f: float(re.search(r'([0-9.]+) M pairs/s', open(f).read()).group(1))
print(f'dpo: java / numpy = {rate(sys.argv[1]) / rate(sys.argv[2]):.1f}x')
PY
