#!/usr/bin/env bash
# Benchmark of `nianbao dataset` against extraction alone (not a test). Copies of one document
# (default: the 110 KB CMS page of the corpus), each with its own bytes (see replicate.py), then:
#
# 1. one core (taskset -c 0), the first N1 copies: `extract_bytes` on bytes in memory, the same
#    with the prose's statements (which the dataset's `facts` table needs and `extract_bytes`
#    does not read), the file read plus both (crates/extract/examples/throughput.rs), and
#    `nianbao dataset -j 1`, each RUNS times; the median reports/s of each, side by side, per
#    second of wall time and per second of CPU time (user + sys: on a shared machine the wall
#    time also counts the other processes' turns on the core);
# 2. all cores: `nianbao dataset` of the first 10,000 copies and of all N copies: wall time,
#    reports/s and peak RSS (flat memory: the two peaks should be close).
#
#   crates/dataset/benches/bench.sh [N1] [N] [SOURCE] [RUNS]
#       (default 3000, 100000, ../shared/corpus/reports/pingtan-2024/page.html, 3)
#
# N copies of the CMS page take N × 110 KB of disk (11 GB for 100,000) in a temporary folder,
# deleted at the end. N = 0 skips part 2. For an A/B comparison, NIANBAO_BIN=PATH runs another
# build of the binary, and BENCH_INPUT=DIR reads the copies replicate.py made there before (and
# keeps them).
set -euo pipefail
cd "$(dirname "$0")/../../.."
n1="${1:-3000}"
n="${2:-100000}"
source="${3:-../shared/corpus/reports/pingtan-2024/page.html}"
runs="${4:-3}"
# shellcheck source=crates/dataset/benches/setup.sh
source crates/dataset/benches/setup.sh
input="${BENCH_INPUT:-$work/in}"
copies=$((n > n1 ? n : n1))
[[ -n "${BENCH_INPUT:-}" ]] || python3 crates/dataset/benches/replicate.py "$source" "$input" "$copies"
# The first K copies are the first K/1000 subfolders.
first() { for ((i = 0; i < $1 / 1000; i++)); do printf '%s ' "$input/$(printf %03d "$i")"; done; }
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

# Runs `nianbao dataset ARGS...` under /usr/bin/time; sets wall (s), cpu (user+sys s), rss (MiB).
dataset() {
    rm -rf "$work/out"
    /usr/bin/time -f '%e %U %S %M' -o "$work/time.txt" "$@" --out "$work/out" --quiet \
        2> "$work/err.txt" || true
    grep -q '^nianbao dataset:' "$work/err.txt" || { cat "$work/err.txt"; exit 1; }
    read -r wall user sys rss_kb < "$work/time.txt"
    cpu="$(echo "$user + $sys" | bc)"
    rss=$((rss_kb / 1024))
}

echo "== one core (taskset -c 0), $n1 copies of $source, median of $runs runs"
one="$(first "$n1")"
for ((r = 0; r < runs; r++)); do
    # shellcheck disable=SC2086
    find $one -type f | sort | taskset -c 0 "$target/release/examples/throughput" >> "$work/steps.txt"
    # shellcheck disable=SC2086
    dataset taskset -c 0 "$bin" dataset $one -j 1
    echo "$n1 / $wall" | bc -l >> "$work/dataset1-wall.txt"
    echo "$n1 / $cpu" | bc -l >> "$work/dataset1-cpu.txt"
done
printf '%-52s %8s %8s   (reports/s, median)\n' "" wall cpu
for step in "extract_bytes, bytes in memory" "extract_bytes_with_narrative, bytes in memory" \
    "read_file + extract_bytes_with_narrative"; do
    lines="$(grep -F "$step:" "$work/steps.txt")"
    wall_rate="$(awk '{print $(NF - 7)}' <<< "$lines" | median)"
    cpu_rate="$(awk '{print $(NF - 1)}' <<< "$lines" | median)"
    printf '%-52s %8.0f %8.0f\n' "$step" "$wall_rate" "$cpu_rate"
done
printf '%-52s %8.0f %8.0f\n' "nianbao dataset -j 1" "$(median < "$work/dataset1-wall.txt")" \
    "$(median < "$work/dataset1-cpu.txt")"

if ((n > 0)); then
    echo "== all $(nproc) cores (shared machine: see uptime), nianbao dataset"
    for k in 10000 "$n"; do
        ((k <= n)) || continue
        # shellcheck disable=SC2086
        dataset "$bin" dataset $(first "$k")
        printf '%7d reports: wall %6.1f s, %5.0f reports/s, cpu %6.1f s, peak RSS %5d MiB\n' \
            "$k" "$wall" "$(echo "$k / $wall" | bc -l)" "$cpu" "$rss"
    done
    du -sh "$work/out"/*.parquet
fi
uptime
