#!/usr/bin/env bash
# Side-by-side speed of the reverse-KL and forward-KL solvers against the numpy twin, on the same
# workload (256 prompts, K = 4, 4096 responses), in one run. Needs python3 with numpy and scipy.
# The JVM options are those of every benchmark (common.sh): Vector API, throughput collector, and a
# pre-touched fixed heap. Then the machine's limit for reverse KL: ExpThroughput (JMH, both cores)
# measures exponentials per second over arrays of 4096, and the exact solution needs (K + 2) / K of
# them per reference entry; the reverse-KL rate is reported as a fraction of that limit. Each solver
# is timed twice: through the object API (LogDistribution per reference) and through its columnar
# path (one PromptBatch, Solver.solveBatch), whose policies must be the object path's bit for bit.
# Forward KL is timed as the default solver (with its upper bound, Corollary C.1: K more roots) and
# without the bound (fkl-nobound), which computes what the numpy twin does: the like-for-like ratio.
#   benchmarks/run-solver-benchmark.sh [threads]
set -euo pipefail
source "$(dirname "$0")/common.sh"
run_java io.github.multiref.benchmarks.SolverThroughput "$work/workload.bin" "$work/java.bin" "$@" \
  | tee "$work/java.txt"
python3 benchmarks/python/numpy_twin.py bench "$work/workload.bin" "$work/java.bin" | tee "$work/numpy.txt"
python3 - "$work/java.txt" "$work/numpy.txt" <<'PY'
import re, sys
rate = lambda f, k: float(re.search(k + r': .*?([0-9.]+) M reference', open(f).read()).group(1))
for k, numpy in (('rkl', 'rkl'), ('rkl', 'rkl-fast'), ('fkl', 'fkl'), ('rkl-batch', 'rkl'),
                 ('rkl-batch', 'rkl-fast'), ('fkl-batch', 'fkl'), ('fkl-nobound', 'fkl'),
                 ('fkl-nobound-batch', 'fkl')):
    print(f'{k}: java / numpy {numpy} = {rate(sys.argv[1], k) / rate(sys.argv[2], numpy):.1f}x')
PY
java --add-modules jdk.incubator.vector -cp "$classpath" org.openjdk.jmh.Main ExpThroughput \
  -rf json -rff "$work/exp.json" > "$work/exp.txt" 2>&1 || { cat "$work/exp.txt" >&2; exit 1; }
python3 - "$work/java.txt" "$work/exp.json" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
rkl = float(re.search(r'rkl: .*?([0-9.]+) M reference', text).group(1)) * 1e6
batch = float(re.search(r'rkl-batch: .*?([0-9.]+) M reference', text).group(1)) * 1e6
k = 4
for b in json.load(open(sys.argv[2])):
    name = b['benchmark'].rsplit('.', 1)[1]
    exps = b['primaryMetric']['score'] * 4096  # arrays/s over both threads, 4096 exps each
    limit = exps * k / (k + 2)
    print(f'{name}: {exps / 1e6:.0f} M exp/s on both cores; reverse-KL limit {limit / 1e6:.0f} M'
          f' reference entries/s; the solver reaches {rkl / limit:.2f} of it, its columnar path'
          f' {batch / limit:.2f}')
PY
