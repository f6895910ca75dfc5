#!/usr/bin/env bash
# Side-by-side speed of linear Bradley-Terry reward learning (1,000,000 pairs, 32 features, ridge 1,
# largest gradient component 1e-2) against scipy's L-BFGS-B with a vectorized numpy gradient, on
# the same data, in one run. Needs numpy and scipy.
#   benchmarks/run-reward-benchmark.sh
set -euo pipefail
source "$(dirname "$0")/common.sh"
run_java io.github.multiref.benchmarks.LinearFitThroughput "$work/workload.bin" "$work/theta.bin" \
  | tee "$work/java.txt"
python3 benchmarks/python/scipy_reward_twin.py "$work/workload.bin" "$work/theta.bin" | tee "$work/scipy.txt"
python3 - "$work/java.txt" "$work/scipy.txt" <<'PY'
import re, sys
ms = lambda f: float(re.search(r'median ([0-9.]+) ms', open(f).read()).group(1))
print(f'reward fit: scipy / java time = {ms(sys.argv[2]) / ms(sys.argv[1]):.1f}x')
PY
