#!/usr/bin/env bash
# Scores `nianbao extract` on every form of every report of ../shared/corpus with the shared
# scorer: one line per form, then a total. Usage: scripts/score-corpus.sh [BINARY]
set -euo pipefail
bin=${1:-target/release/nianbao}
corpus="$(dirname "$0")/../../shared/corpus/reports"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pairs=()
for d in "$corpus"/*/; do
  [ -f "$d/truth.json" ] || continue
  for f in "$d"*; do
    name=$(basename "$f")
    [ "$name" = truth.json ] && continue
    out="$tmp/$(basename "$d")__$name.json"
    "$bin" extract "$f" --format json >"$out" 2>"$out.err" || echo "{}" >"$out"
    pairs+=("$d/truth.json" "$out")
    printf '%-32s %-20s ' "$(basename "$d")" "$name"
    python3 "$(dirname "$0")/../../shared/tools/score.py" "$d/truth.json" "$out" | sed -n 1p | cut -d: -f2- | cut -c1-110
  done
done
python3 "$(dirname "$0")/../../shared/tools/score.py" "${pairs[@]}" | tail -n 1
