#!/usr/bin/env bash
# The one-thread cost of `nianbao dataset` against extraction alone, counted in instructions
# per document by valgrind's callgrind (not a test). Instruction counts do not swing with a
# shared machine the way times do (±20% between runs of one binary here), so a change of a few
# per cent shows. Three counts on the first copies made by replicate.py (see bench.sh):
#
# 1. `extract_bytes` per document, from the throughput example's first pass (1,000 documents);
# 2. `nianbao dataset -j 1` per document at the margin: a 2,000-document run less a 1,000-document
#    one, so the run's fixed costs (start, compiled patterns, the tables' end) cancel out;
# 3. their ratio.
#
# The SHA-256 of the documents is left out of every count: valgrind runs it without the CPU's
# SHA instructions, at about 50 times their cost. Needs valgrind; takes about 5 minutes.
#
#   BENCH_INPUT=DIR [NIANBAO_BIN=PATH] crates/dataset/benches/count.sh
#       (NIANBAO_BIN: another build of the binary; without it the release binary is built)
set -euo pipefail
cd "$(dirname "$0")/../../.."
input="${BENCH_INPUT:?BENCH_INPUT: a folder that replicate.py filled (000/, 001/, …)}"
# shellcheck source=crates/dataset/benches/setup.sh
source crates/dataset/benches/setup.sh

# The instructions a callgrind profile counted, less those of SHA-256's compression.
without_sha() {
    callgrind_annotate "$1" 2> /dev/null | awk '
        /PROGRAM TOTALS/ && !total { gsub(",", "", $1); total = $1 }
        /sha256::compress256/ && !sha { gsub(",", "", $1); sha = $1 }
        END { printf "%.0f\n", total - sha }'
}

# 1. The example's first pass only: collection is on inside `extract_bytes` alone.
find "$input/000" -type f | sort > "$work/files"
valgrind --tool=callgrind --callgrind-out-file="$work/extract" \
    --toggle-collect='nianbao_extract::extract_bytes' \
    "$target/release/examples/throughput" < "$work/files" > /dev/null 2>&1
extract=$(($(without_sha "$work/extract") / 1000))

# 2. The dataset of the first 1,000 and the first 2,000 documents.
counts=()
for dirs in "$input/000" "$input/000 $input/001"; do
    rm -rf "$work/out"
    # shellcheck disable=SC2086
    valgrind --tool=callgrind --callgrind-out-file="$work/dataset" \
        "$bin" dataset $dirs -j 1 --out "$work/out" --quiet > /dev/null 2>&1
    counts+=("$(without_sha "$work/dataset")")
done
dataset=$(((counts[1] - counts[0]) / 1000))

printf 'instructions per document, SHA-256 left out\n'
printf '  extract_bytes           %10d\n' "$extract"
printf '  nianbao dataset -j 1    %10d\n' "$dataset"
printf '  ratio                   %9.1f%%\n' "$(echo "100 * $extract / $dataset" | bc -l)"
