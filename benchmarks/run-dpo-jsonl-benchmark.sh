#!/usr/bin/env bash
# Side-by-side: `multiref dpo-score` end to end on a JSONL file of preference pairs (K = 4, reverse
# KL, sigmoid loss, uniform weights) against DuckDB computing the same columns in SQL over the same
# file and writing JSONL (DuckDbDpoScore), in one run, with each process's wall time and peak
# resident memory (GNU time); multiref through the ./multiref launcher, with its JVM options, as a
# user runs it. Both outputs are compared line by line. Needs numpy.
#   benchmarks/run-dpo-jsonl-benchmark.sh [pairs]     (default 1,000,000)
set -euo pipefail
source "$(dirname "$0")/common.sh"
pairs="${1:-1000000}"
python3 - "$work/pairs.jsonl" "$pairs" <<'PY'
import json, sys
import numpy as np
path, n = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(7)
lw = -rng.uniform(50, 400, n); ll = -rng.uniform(50, 400, n)
# references within ~30 nats of the policy, and log-probabilities below 0 as they must be
rw = np.minimum(lw[:, None] + rng.normal(0, 30, (n, 4)), -1.0)
rl = np.minimum(ll[:, None] + rng.normal(0, 30, (n, 4)), -1.0)
with open(path, 'w') as f:
    for i in range(n):
        f.write(json.dumps({'prompt': f'p{i}', 'chosen': f'c{i}', 'rejected': f'r{i}',
                            'chosen_logps': lw[i], 'rejected_logps': ll[i],
                            'ref_chosen_logps': rw[i].tolist(), 'ref_rejected_logps': rl[i].tolist()}) + '\n')
PY
echo "input: $pairs pairs, $(du -m "$work/pairs.jsonl" | cut -f1) MB of JSONL"
measure multiref ./multiref dpo-score \
  --input "$work/pairs.jsonl" --beta 0.1 --divergence reverse-kl --loss sigmoid \
  --output "$work/multiref.jsonl"
measure duckdb java -cp "$classpath" io.github.multiref.benchmarks.DuckDbDpoScore \
  "$work/pairs.jsonl" "$work/duckdb.jsonl" 0.1 4
python3 - "$work" <<'PY'
import json, re, sys
w = sys.argv[1]
t = {k: float(re.search(r': ([0-9.]+) s', open(f'{w}/{k}.time').read()).group(1)) for k in ('multiref', 'duckdb')}
cols = ('loss', 'logit', 'grad_chosen', 'grad_rejected', 'chosen_reward', 'rejected_reward')
a = {}
for line in open(f'{w}/multiref.jsonl'):
    o = json.loads(line); a[o['prompt']] = o
worst = 0.0; n = 0
for line in open(f'{w}/duckdb.jsonl'):
    o = json.loads(line); m = a[o['prompt']]; n += 1
    for c in cols:
        worst = max(worst, abs(m[c] - o[c]) / (1 + abs(o[c])))
assert n == len(a), (n, len(a))
print(f'{n} pairs agree to {worst:.1e} (relative, worst column)')
print(f'dpo-score JSONL: multiref / duckdb wall time = {t["multiref"] / t["duckdb"]:.2f} (below 1: multiref faster)')
PY
