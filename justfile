# nianbao tasks. Install just with `pip install rust-just` (or `cargo install just`).

# The main job on the project's own samples: extract them into a Parquet dataset and summarise.
demo:
    scripts/build-deps.sh
    cargo run --release -- dataset samples --out out/samples

# Everything CI runs (the README's test command).
test:
    scripts/test.sh

# Benchmarks (numbers, not pass/fail): extraction per format, the run-together solver.
bench:
    cargo bench -p nianbao-extract

# Score the release binary on ../shared/corpus with the shared scorer.
corpus:
    cargo build --release
    bash scripts/score-corpus.sh target/release/nianbao
