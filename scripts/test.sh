#!/usr/bin/env bash
# The project's test command (README, .ci/run): formatting, lints, every Rust test (unit, the
# samples, the real corpus in ../shared, crawl and dataset end to end, hostile input), then the
# researchers' notebook against a dataset built from samples/. Installs what it needs itself.
set -euo pipefail
cd "$(dirname "$0")/.."
# Scanned reports (the `ocr` feature): Tesseract 5 with chi_sim at run time, poppler's pdftoppm
# for the tests' page images. First: nianbao-ocr's own tests run among the workspace's.
if ! command -v tesseract >/dev/null || ! command -v pdftoppm >/dev/null \
    || ! tesseract --list-langs 2>&1 | grep -qx chi_sim; then
    apt-get update
    apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-chi-sim poppler-utils
fi
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo test --workspace
cargo clippy -p nianbao-extract --features ocr --all-targets -- -D warnings
cargo test -p nianbao-format --features ocr
cargo test -p nianbao-extract --features ocr --test ocr -- --nocapture
bash examples/run-notebook.sh
