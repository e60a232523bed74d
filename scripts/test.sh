#!/usr/bin/env bash
# The project's test command (README, .ci/run): formatting, lints, every Rust test (unit, the
# samples, the real corpus in ../shared, crawl and dataset end to end, hostile input), then the
# researchers' notebook against a dataset built from samples/. Installs what it needs itself.
set -euo pipefail
cd "$(dirname "$0")/.."
# pdftotext (poppler-utils) makes the text forms of the corpus PDFs for the corpus test.
command -v pdftotext || (apt-get update && apt-get install -y poppler-utils)
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo test --workspace
bash examples/run-notebook.sh
