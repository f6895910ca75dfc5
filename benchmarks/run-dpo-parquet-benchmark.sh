#!/usr/bin/env bash
# Side-by-side: `multiref dpo-score` end to end on a Parquet file of preference pairs (K = 4,
# reverse KL, sigmoid loss, uniform weights; read, score, write Parquet) against DuckDB computing
# the same columns in SQL over the same file and writing Parquet (DuckDbDpoScore), in one run,
# with each process's wall time and peak resident memory (GNU time). multiref runs with a 1 GB
# heap (-Xmx1g), run through the ./multiref launcher with its JVM options, as a user runs it: it
# streams row group by row group. Both outputs are compared by DuckDB.
#   benchmarks/run-dpo-parquet-benchmark.sh [pairs]     (default 10,000,000)
# Needs the program's jar: mvn -B -DskipTests install (cli/target/multiref.jar).
set -euo pipefail
source "$(dirname "$0")/common.sh"
pairs="${1:-10000000}"
test -f cli/target/multiref.jar || { echo "build cli/target/multiref.jar first" >&2; exit 1; }
sql() { java -cp "$classpath" io.github.multiref.benchmarks.DuckDbSql "$@" 2>/dev/null; }
# log-probabilities at real magnitudes; references within ~30 nats of the policy, below 0
sql "SELECT setseed(0.7)" "COPY (SELECT 'p' || i AS prompt, 'c' || i AS chosen, 'r' || i AS rejected,
  lw AS chosen_logps, ll AS rejected_logps,
  [least(lw - 30 + 60 * random(), -1.0) FOR _ IN range(4)] AS ref_chosen_logps,
  [least(ll - 30 + 60 * random(), -1.0) FOR _ IN range(4)] AS ref_rejected_logps
  FROM (SELECT i, -50 - 350 * random() AS lw, -50 - 350 * random() AS ll FROM range($pairs) t(i)))
  TO '$work/pairs.parquet' (FORMAT parquet)"
echo "input: $pairs pairs, $(du -m "$work/pairs.parquet" | cut -f1) MB of Parquet"
measure multiref env MULTIREF_JAVA_OPTS=-Xmx1g ./multiref \
  dpo-score --input "$work/pairs.parquet" --beta 0.1 --divergence reverse-kl --loss sigmoid \
  --output "$work/multiref.parquet"
measure duckdb java -cp "$classpath" io.github.multiref.benchmarks.DuckDbDpoScore \
  "$work/pairs.parquet" "$work/duckdb.parquet" 0.1 4
worst=""
for c in loss logit grad_chosen grad_rejected chosen_reward rejected_reward; do
  worst="$worst, max(abs(m.$c - d.$c) / (1 + abs(d.$c)))"
done
sql "SELECT count(*) AS pairs ${worst} FROM '$work/multiref.parquet' m JOIN '$work/duckdb.parquet' d USING (prompt)" \
  | awk -F' [|] ' '{w = 0; for (i = 2; i <= NF; i++) if ($i + 0 > w) w = $i + 0;
      printf "%d pairs agree to %.1e (relative, worst column)\n", $1, w}'
python3 - "$work" <<'PY'
import re, sys
w = sys.argv[1]
t = {k: float(re.search(r': ([0-9.]+) s', open(f'{w}/{k}.time').read()).group(1)) for k in ('multiref', 'duckdb')}
print(f'dpo-score Parquet: multiref / duckdb wall time = {t["multiref"] / t["duckdb"]:.2f} (below 1: multiref faster)')
PY
