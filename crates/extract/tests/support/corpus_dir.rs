//! Where the real-report corpus is (`../shared/corpus/reports`, outside the project, read in
//! place), for the tests that read it.

use std::path::{Path, PathBuf};

/// The corpus's reports folder; `None` (the test skips) when it is absent, except in CI (`CI`
/// set), where its absence fails the test.
pub fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/reports");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI is set but the corpus is missing at {}",
        dir.display()
    );
    eprintln!("skipping: no corpus at {}", dir.display());
    None
}
