#!/usr/bin/env bash
# Throughput of `multiref spark dpo-score` with local[1] and local[2] on the same Parquet file of
# preference pairs (K = 4, TRL's column names, made by DuckDB as run-dpo-parquet-benchmark.sh makes
# them), in one run, beside the single-machine `multiref dpo-score` on the same file; wall time and
# peak resident memory from GNU time, and the ratio local[1] / local[2].
#   benchmarks/run-spark-benchmark.sh [pairs]     (default 10,000,000)
set -euo pipefail
source "$(dirname "$0")/common.sh"
pairs="${1:-10000000}"
sql() { java -cp "$classpath" io.github.multiref.benchmarks.DuckDbSql "$@" 2>/dev/null; }
sql "SELECT setseed(0.7)" "COPY (SELECT 'p' || i AS prompt, 'c' || i AS chosen, 'r' || i AS rejected,
  lw AS chosen_logps, ll AS rejected_logps,
  [least(lw - 30 + 60 * random(), -1.0) FOR _ IN range(4)] AS ref_chosen_logps,
  [least(ll - 30 + 60 * random(), -1.0) FOR _ IN range(4)] AS ref_rejected_logps
  FROM (SELECT i, -50 - 350 * random() AS lw, -50 - 350 * random() AS ll FROM range($pairs) t(i)))
  TO '$work/pairs.parquet' (FORMAT parquet)"
echo "input: $pairs pairs, $(du -m "$work/pairs.parquet" | cut -f1) MB of Parquet"
./multiref spark --help > /dev/null   # builds the Spark jobs first, outside the timing
for master in 'local[1]' 'local[2]'; do
  measure "spark-$master" ./multiref spark dpo-score --master "$master" \
    --input "$work/pairs.parquet" --output "$work/spark-$master" --beta 0.1
done
measure cli env MULTIREF_JAVA_OPTS=-Xmx1g ./multiref dpo-score --input "$work/pairs.parquet" \
  --beta 0.1 --output "$work/cli.parquet"
python3 - "$work" "$pairs" <<'PY'
import re, sys
w, n = sys.argv[1], int(sys.argv[2])
t = {k: float(re.search(r': ([0-9.]+) s', open(f'{w}/{k}.time').read()).group(1))
     for k in ('spark-local[1]', 'spark-local[2]', 'cli')}
for k, v in t.items():
    print(f'{k}: {n / v / 1e6:.2f} M pairs/s')
print(f'local[2] / local[1] throughput = {t["spark-local[1]"] / t["spark-local[2]"]:.2f}')
PY
