//! The counts of a run and the one-line summary printed at its end.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// What a run did.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Summary {
    /// Documents read (rows of `reports`).
    pub documents: usize,
    /// Documents extracted.
    pub ok: usize,
    /// Documents that could not be read (`reports.error` set).
    pub failed: usize,
    /// Extracted documents in which no standard table was found.
    pub no_tables: usize,
    /// Documents flagged as duplicates of an earlier one.
    pub duplicates: usize,
    /// Failed checks, cross-report ones included.
    pub failed_checks: usize,
    /// Rows of `cells`.
    pub cells: usize,
    /// Files inside input folders that are not documents.
    pub skipped: usize,
    /// Where the tables went.
    pub out: PathBuf,
    /// How long the run took.
    pub elapsed: Duration,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "nianbao dataset: {} reports, {} ok ({} without standard tables), {} failed, {} duplicates, \
             {} failed checks, {} cells; {} non-document files skipped; wrote {} in {:.1} s",
            self.documents,
            self.ok,
            self.no_tables,
            self.failed,
            self.duplicates,
            self.failed_checks,
            self.cells,
            self.skipped,
            self.out.display(),
            self.elapsed.as_secs_f64()
        )
    }
}
