#!/usr/bin/env bash
# Benchmark: `licusage history --since 365d` over a year of 15-minute snapshots
# of 50 series (35,040 snapshots, 1.75 M samples). Prints the median of N runs.
#   bench/history.sh [RUNS]     (needs sqlite3; builds --release)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
cargo build --release -q
bin=target/release/licusage
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
db="$dir/history.sqlite3"
cat > "$dir/config.toml" <<TOML
[history]
path = "$db"
[sources.c]
kind = "cpod"
file = "$dir/usage.json"
TOML
# Create the schema with licusage itself, then fill it in bulk with SQL.
python3 - "$dir/usage.json" <<'PY'
import json, sys
json.dump([{"product_name": f"Product {i:02d}", "license_type": "named_user", "total_seats": 1000, "used_seats": 100 + i} for i in range(50)], open(sys.argv[1], "w"))
PY
"$bin" --config "$dir/config.toml" -q record
now=$(date +%s)
sqlite3 "$db" <<SQL
DELETE FROM daily; DELETE FROM samples; DELETE FROM snapshots;
WITH RECURSIVE t(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM t WHERE n < 35039)
INSERT INTO snapshots (id, taken_at, sources, failed) SELECT n + 1, $now - (35039 - n) * 900, 1, 0 FROM t;
INSERT INTO samples (series_id, taken_at, snapshot_id, used, "limit", balance, expires_at, status)
  SELECT s.id, sn.taken_at, sn.id, 100 + s.id + (sn.id % 97), 1000, 900 - s.id - (sn.id % 97), NULL, 'ok'
  FROM snapshots sn CROSS JOIN series s;
-- The daily rollup as licusage's migrations 2 and 6 make it from the samples.
INSERT INTO daily
SELECT series_id, taken_at / 86400, COUNT(*), COUNT(used), TOTAL(used),
       TOTAL(CASE WHEN used IS NULL THEN 0 ELSE (taken_at % 86400) / 86400.0 END),
       TOTAL(CASE WHEN used IS NULL THEN 0 ELSE ((taken_at % 86400) / 86400.0) * ((taken_at % 86400) / 86400.0) END),
       TOTAL(((taken_at % 86400) / 86400.0) * used), MIN(used), MAX(used), MAX(peak), SUM(denials)
FROM samples GROUP BY series_id, taken_at / 86400;
SQL
echo "samples: $(sqlite3 "$db" 'SELECT COUNT(*) FROM samples'), rollup rows: $(sqlite3 "$db" 'SELECT COUNT(*) FROM daily'), db size: $(du -h "$db" | cut -f1)"
times=()
for _ in $(seq "$runs"); do
  start=$(date +%s%N)
  "$bin" --config "$dir/config.toml" history --since 365d > /dev/null
  end=$(date +%s%N)
  times+=($(( (end - start) / 1000000 )))
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(printf '%s\n' "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")
echo "history --since 365d: median ${median} ms over $runs runs (all: $(echo $sorted | tr '\n' ' '))"
