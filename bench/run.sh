#!/usr/bin/env bash
# Benchmarks against jq and Python on this machine (docs/performance.md).
#   bench/run.sh [--runs N] [--big]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
python3 bench/bench.py "$@"
bench/history.sh
