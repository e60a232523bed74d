#!/usr/bin/env bash
# Runs one fuzz target for SECONDS (default 900) with the project's settings; logs to
# fuzz/logs/TARGET.log, crashes/timeouts/OOMs to fuzz/artifacts/TARGET/.
# Usage: fuzz/run.sh TARGET [SECONDS]
set -euo pipefail
cd "$(dirname "$0")"
target=$1
secs=${2:-900}
# Inputs may grow to 32 KiB; the doc target's seeds are 43-44 KiB Word files, so it gets 64.
case $target in doc) max_len=65536 ;; *) max_len=32768 ;; esac
mkdir -p "corpus/$target" "artifacts/$target" logs
[ -n "$(ls -A "corpus/$target")" ] || python3 seeds.py
dict=()
[ -f "dicts/$target.dict" ] && dict=(-dict="dicts/$target.dict")
RUSTC_BOOTSTRAP=1 exec cargo fuzz run --sanitizer none "$target" "corpus/$target" -- \
  -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -max_len="$max_len" \
  -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
  -artifact_prefix="artifacts/$target/" -print_final_stats=1 "${dict[@]}" \
  > "logs/$target.log" 2>&1
