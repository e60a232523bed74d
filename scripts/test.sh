#!/usr/bin/env bash
# The project's test command (README, .ci/run): formatting, lints, every Rust test (unit, the
# samples, the real corpus in ../shared, crawl, dataset and review end to end, hostile input),
# then the researchers' notebook against a dataset built from samples/. Installs what it needs itself.
set -euo pipefail
cd "$(dirname "$0")/.."
# System packages the tests need, installed once when missing: headless Chromium (tests/review.rs
# loads the review site in it), poppler-utils (pdftotext makes the text forms of the corpus PDFs
# for the corpus test) and LibreOffice Writer (converts the samples' DOCX to .doc for the Word
# binary reader's tests; about a minute to install).
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
command -v soffice >/dev/null || missing+=(libreoffice-writer)
# Scanned reports (the `ocr` feature): Tesseract 5 with chi_sim at run time; nianbao-ocr's own
# tests run among the workspace's.
command -v tesseract >/dev/null || missing+=(tesseract-ocr)
tesseract --list-langs 2>&1 | grep -qx chi_sim || missing+=(tesseract-ocr-chi-sim)
# OpenJPEG's opj_compress makes the JPEG 2000 scans of crates/extract/tests/ocr.rs.
command -v opj_compress >/dev/null || missing+=(libopenjp2-tools)
# A CJK font for LibreOffice's PDFs in the corpus test (without one it prints Chinese in DejaVu's
# widths, another layout than the corpus's `rendered` forms, which use Noto CJK).
fc-list :lang=zh | grep -q . || missing+=(fonts-noto-cjk)
# The openssl command plays an old TLS 1.0 server in tests/crawl_tls.rs.
command -v openssl >/dev/null || missing+=(openssl)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update && apt-get install -y --no-install-recommends "${missing[@]}"
fi
# What the build itself needs (OpenSSL's headers, pkg-config).
scripts/build-deps.sh
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo test --workspace
cargo clippy -p nianbao-extract --features ocr --all-targets -- -D warnings
cargo test -p nianbao-format --features ocr
cargo test -p nianbao-extract --features ocr --lib --test ocr -- --nocapture
bash examples/run-notebook.sh
