#!/usr/bin/env bash
# Fuzz every target for SECONDS each (default 60), seeded from fixtures/.
#   fuzz/run.sh [SECONDS]
# Needs cargo-fuzz (cargo install cargo-fuzz); the stable toolchain runs it with
# RUSTC_BOOTSTRAP=1. Crashes land in fuzz/artifacts/<target>/: turn each into
# a fixture and a test, then record the run in docs/reliability.md. Leak
# detection is off: the parsing threads' thread-locals are freed just after
# the join that LeakSanitizer checks at. For a long differential run
# (a million executions), run stream_vs_slice without a sanitizer in its own
# target directory, about 6x faster (licusage forbids unsafe code):
#   cargo fuzz run -s none --target-dir ../target/fuzz-none stream_vs_slice \
#     corpus/stream_vs_slice -- -runs=1000000 -rss_limit_mb=2048
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-60}
export RUSTC_BOOTSTRAP=1
seed() {
  local target=$1; shift
  mkdir -p "corpus/$target"
  for f in "$@"; do cp -n "$f" "corpus/$target/" 2>/dev/null || true; done
}
seed vendors ../fixtures/*/*.json ../fixtures/flexlm/*.txt
seed stream_vs_slice ../fixtures/cpod/*.json ../fixtures/4d/*.json
seed lmstat ../fixtures/flexlm/*.txt ../fixtures/flexlm/real/*.txt
seed skim_vs_serde ../fixtures/cpod/*.json ../fixtures/generic/*.json
seed config ../config.example.toml
mkdir -p corpus/generic
for f in ../fixtures/generic/presets/*/*.json ../fixtures/generic/examples/*.json; do
  { printf '\x00'; cat "$f"; } > "corpus/generic/doc-$(basename "$(dirname "$f")")-$(basename "$f")"
done
(cd .. && cargo run -q --release -- --config config.example.toml show --json > fuzz/corpus-diff-seed.json) && seed diff_document corpus-diff-seed.json && rm -f corpus-diff-seed.json
for target in vendors lmstat stream_vs_slice skim_vs_serde config diff_document generic; do
  echo "== $target: ${secs}s"
  cargo fuzz run "$target" "corpus/$target" -- -max_total_time="$secs" -rss_limit_mb=2048 -detect_leaks=0 2>&1 | grep -E "^#[0-9]+.*DONE|Done [0-9]+ runs|SUMMARY|ERROR|panicked" || true
done
