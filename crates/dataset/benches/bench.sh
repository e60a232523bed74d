#!/usr/bin/env bash
# Benchmark of `nianbao dataset` (not a test): N documents replicated from the shared corpus into a
# temporary folder, then to Parquet with the release binary; prints wall time and peak RSS.
#
#   crates/dataset/benches/bench.sh [N] [CORPUS_DIR]     (default 10000, ../shared/corpus/reports)
set -euo pipefail
cd "$(dirname "$0")/../../.."
n="${1:-10000}"
corpus="${2:-../shared/corpus/reports}"
target="${CARGO_TARGET_DIR:-target}"

cargo build --release --quiet
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 crates/dataset/benches/replicate.py "$corpus" "$work/in" "$n"

/usr/bin/time -v "$target/release/nianbao" dataset "$work/in" --out "$work/out" --quiet 2> "$work/time.txt" || true
grep '^nianbao dataset:' "$work/time.txt"
wall="$(grep 'Elapsed (wall clock)' "$work/time.txt" | awk '{print $NF}')"
rss_kb="$(grep 'Maximum resident set size' "$work/time.txt" | awk '{print $NF}')"
echo "documents: $n  cores: $(nproc)  wall: $wall  peak RSS: $((rss_kb / 1024)) MiB"
du -sh "$work/out"/*.parquet
