#!/usr/bin/env bash
# The project's test command (README, .ci/run): formatting, lints, every Rust test (unit, the
# samples, the real corpus in ../shared, crawl and dataset end to end, hostile input), then the
# researchers' notebook against a dataset built from samples/. Installs what it needs itself.
set -euo pipefail
cd "$(dirname "$0")/.."
# LibreOffice converts the samples' DOCX to .doc for the Word-binary reader's tests (without it
# they read the committed .doc fixtures only). The install took about a minute here (apt-get
# update 9 s; 53 packages, 91 MB, 59 s).
if ! command -v soffice >/dev/null; then
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends libreoffice-writer; } \
        >/dev/null 2>&1 || echo "LibreOffice not installed: the .doc tests read the committed fixtures only" >&2
fi
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo test --workspace
bash examples/run-notebook.sh
