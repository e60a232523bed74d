//! nianbao-dataset: many reports in, six tables out (`nianbao dataset INPUT... --out DIR`).
//!
//! The run is a pipeline of small steps, one module each:
//!
//! - [`inputs`] expands files, folders and crawl folders into an ordered list of documents;
//! - [`extract`] turns one document into an outcome (a report, or an error: never a panic);
//! - [`pipeline`] extracts chunks of documents on all cores (rayon) while the previous chunk is
//!   written, so the row order is the document order and memory stays bounded by a chunk;
//! - [`duplicates`] flags a report already seen (same bytes, or same cells in another form);
//! - [`agency`] normalizes agency names (and tells their kind), so [`carry`] can check
//!   carry-over across years (X3.1); [`region`] resolves the 行政区划代码 an agency belongs to;
//!   [`timeliness`] gives the statutory deadline;
//! - [`indicators`] reads a report's main numbers, which [`narrative`] compares with the
//!   numbers its prose states (the `N` checks);
//! - [`tables`] holds the columns of `reports`, `cells`, `checks`, `wide`, `facts` and `panel`;
//! - [`sink`] writes each table to a temporary file and renames them all into place when all
//!   are complete;
//! - [`progress`] tells the caller's observer how the run goes, [`summary`] counts what it
//!   did; the library prints nothing.
//!
//! [`build`] takes [`Options`] and returns a [`Summary`] (documents read, failed, …) or a fatal
//! [`Error`] (an input that does not exist, an output that cannot be written), in which case no
//! table is replaced; the binary prints the summary and maps it to an exit code.

pub mod agency;
pub mod carry;
pub mod duplicates;
pub mod error;
pub mod extract;
pub mod indicators;
pub mod inputs;
pub mod narrative;
pub mod pipeline;
pub mod progress;
pub mod region;
pub mod sink;
pub mod summary;
pub mod tables;
pub mod timeliness;

use std::path::PathBuf;
use std::time::Instant;

pub use error::Error;
pub use sink::Format;
pub use summary::Summary;

/// What `nianbao dataset` is asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// Files, folders (walked recursively) or crawl folders to read.
    pub inputs: Vec<PathBuf>,
    /// The output folder (created if absent); existing tables in it are replaced.
    pub out: PathBuf,
    /// The table format.
    pub format: Format,
    /// Worker threads for extraction (`None`: all cores).
    pub jobs: Option<usize>,
    /// The extractor's limits (largest document, containers, tables, solver).
    pub limits: nianbao_extract::Limits,
}

/// Builds the dataset and returns its counts (the caller prints them), telling `observer` how it
/// goes.
pub fn build(options: &Options, observer: &dyn progress::Observer) -> Result<Summary, Error> {
    let started = Instant::now();
    let inputs = inputs::collect(&options.inputs)?;
    std::fs::create_dir_all(&options.out).map_err(|source| Error::Output {
        path: options.out.clone(),
        source,
    })?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs.unwrap_or(0))
        .build()
        .map_err(Error::Threads)?;
    observer.started(inputs.documents.len());
    let output = pipeline::Output {
        dir: &options.out,
        format: options.format,
    };
    let result = pipeline::build(inputs.documents, &output, &options.limits, &pool, observer);
    pool.broadcast(|_| nianbao_extract::release_ocr_engine());
    observer.finished();
    let mut summary = result?;
    summary.skipped = inputs.skipped;
    summary.elapsed = started.elapsed();
    Ok(summary)
}
