# Sourced by bench.sh and count.sh, from the workspace's root: sets `target`, `bin` (NIANBAO_BIN,
# or the release binary, built), `work` (a temporary folder, deleted on exit), and builds the
# throughput example.
target="${CARGO_TARGET_DIR:-target}"
bin="${NIANBAO_BIN:-$target/release/nianbao}"
[[ -n "${NIANBAO_BIN:-}" ]] || cargo build --release --quiet --bin nianbao
cargo build --release --quiet -p nianbao-extract --example throughput
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
