#!/usr/bin/env bash
# Grow one PostgreSQL database 0.5 → 1 → 2 → 5.6 million people and measure each step
# (bench/growth_bench.py); the last step is the load-test database (bench/loadtest.py).
#   createdb -h 127.0.0.1 -U postgres bvct_load_bench
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/bvct_load_bench bash bench/run_growth.sh
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to the bench database}"
OUT=${OUT:-var/bench/growth.jsonl}
for n in ${SIZES:-500000 1000000 2000000 5600000}; do
  echo "== $n people =="
  .venv/bin/python bench/loadtest_data.py --people "$n" --cases $((n / 28))
  .venv/bin/python bench/growth_bench.py --out "$OUT"
done
