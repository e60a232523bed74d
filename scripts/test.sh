#!/usr/bin/env bash
# The project's test command (README, .ci/run): formatting, lints, every Rust test (unit, the
# samples, the real corpus in ../shared, crawl, dataset and review end to end, hostile input),
# then the researchers' notebook against a dataset built from samples/. Installs what it needs itself.
set -euo pipefail
cd "$(dirname "$0")/.."
# tests/review.rs loads the review site in headless Chromium.
command -v chromium >/dev/null || (apt-get update && apt-get install -y --no-install-recommends chromium)
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo test --workspace
bash examples/run-notebook.sh
