#!/usr/bin/env bash
# Builds a dataset from samples/ and runs the researchers' script and notebook on it headlessly,
# in a virtual environment with the pinned packages of examples/requirements.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${NIANBAO_VENV:-target/venv-examples}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q -r examples/requirements.txt
# The binary as `cargo test --workspace` builds it (same features: a plain `cargo build` would
# resolve polars' features differently and build it a second time).
cargo test --workspace --no-run -q
data=target/samples-dataset
target/debug/nianbao dataset samples --out "$data" --quiet
"$venv/bin/python" examples/explore.py "$data" --charts "$data/charts"
NIANBAO_DATASET="$PWD/$data" "$venv/bin/jupyter" execute examples/explore.ipynb
