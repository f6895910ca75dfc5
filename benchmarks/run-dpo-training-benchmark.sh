#!/usr/bin/env bash
# Side-by-side speed of tabular multi-reference DPO training (10,000 prompts x 16 candidates,
# K = 4, 1,000,000 pairs, reverse KL, sigmoid loss): one full-batch evaluation of the loss and its
# gradient in Java against the same computation vectorized in numpy, on the same workload and
# point, in one run; also Java's time per Adam epoch. Needs numpy.
#   benchmarks/run-dpo-training-benchmark.sh
set -euo pipefail
source "$(dirname "$0")/common.sh"
run_java io.github.multiref.benchmarks.DpoTrainingThroughput "$work/workload.bin" | tee "$work/java.txt"
python3 benchmarks/python/numpy_dpo_training_twin.py "$work/workload.bin" | tee "$work/numpy.txt"
python3 - "$work/java.txt" "$work/numpy.txt" <<'PY'
import re, sys
ms = lambda f: float(re.search(r'median ([0-9.]+) ms', open(f).read()).group(1))
obj = lambda f: float(re.search(r'objective ([0-9.e+-]+)', open(f).read()).group(1))
j, n = sys.argv[1], sys.argv[2]
print(f'objectives agree to {abs(obj(j) - obj(n)) / abs(obj(n)):.1e} (relative)')
print(f'full-batch DPO gradient: numpy / java time = {ms(n) / ms(j):.1f}x')
PY
