#!/usr/bin/env bash
# The system packages that building nianbao needs beyond Rust and a C compiler, installed through
# apt when missing: OpenSSL's headers and pkg-config (nianbao-fetch builds against the system's
# libssl 3 for the crawler's `--tls legacy`, which reaches old TLS 1.0/1.1 servers).
# Used by the README's set-up command and by scripts/test.sh.
set -euo pipefail
missing=()
command -v pkg-config >/dev/null || missing+=(pkg-config)
pkg-config --exists openssl 2>/dev/null || missing+=(libssl-dev)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update && apt-get install -y --no-install-recommends "${missing[@]}"
fi
