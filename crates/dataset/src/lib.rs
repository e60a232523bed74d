//! nianbao-dataset: many reports in, four tables out (`nianbao dataset INPUT... --out DIR`).
//!
//! The run is a pipeline of small steps, one module each:
//!
//! - [`inputs`] expands files, folders and crawl folders into an ordered list of documents;
//! - [`extract`] turns one document into an outcome (a report, or an error: never a panic);
//! - [`pipeline`] extracts chunks of documents on all cores (rayon) while the previous chunk is
//!   written, so the row order is the document order and memory stays bounded by a chunk;
//! - [`duplicates`] flags a report already seen (same bytes, or same cells in another form);
//! - [`agency`] normalizes agency names, so [`carry`] can check carry-over across years (X3.1);
//! - [`tables`] holds the columns of `reports`, `cells`, `checks` and `wide`;
//! - [`sink`] writes each table to a temporary file and renames it into place when complete;
//! - [`progress`] and [`summary`] report to a person on stderr.
//!
//! Exit codes: [`EXIT_OK`] when every document was read, [`EXIT_SOME_FAILED`] when some could not
//! be (their `reports` rows say why), and 1 for a fatal error (an input that does not exist, an
//! output that cannot be written), in which case no table is replaced.

pub mod agency;
pub mod carry;
pub mod duplicates;
pub mod extract;
pub mod inputs;
pub mod pipeline;
pub mod progress;
pub mod sink;
pub mod summary;
pub mod tables;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;

pub use sink::Format;
pub use summary::Summary;

/// Exit code: every document was read.
pub const EXIT_OK: i32 = 0;
/// Exit code: the tables were written, but some documents could not be read.
pub const EXIT_SOME_FAILED: i32 = 3;

/// Options of `nianbao dataset`.
#[derive(clap::Args, Debug, Clone)]
pub struct DatasetArgs {
    /// Files, folders (walked recursively) or crawl folders to read.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// The output folder (created if absent); existing tables in it are replaced.
    #[arg(long)]
    pub out: PathBuf,
    /// The table format.
    #[arg(long, value_enum, default_value_t = Format::Parquet)]
    pub format: Format,
    /// Worker threads for extraction (default: all cores).
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// No progress bar (the summary line is still printed).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Largest document accepted, in bytes; larger ones become error rows.
    #[arg(long, default_value_t = nianbao_extract::Limits::default().max_input_bytes)]
    pub max_input_bytes: u64,
}

/// Runs `nianbao dataset`, prints the summary line; returns the exit code.
pub fn run(args: &DatasetArgs) -> anyhow::Result<i32> {
    let summary = build(args)?;
    eprintln!("{summary}");
    Ok(if summary.failed > 0 {
        EXIT_SOME_FAILED
    } else {
        EXIT_OK
    })
}

/// Builds the dataset and returns its counts, without printing the summary.
pub fn build(args: &DatasetArgs) -> anyhow::Result<Summary> {
    let started = Instant::now();
    let inputs = inputs::collect(&args.inputs)?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()
        .context("cannot start the worker threads")?;
    let visible = !args.quiet && std::io::stderr().is_terminal();
    let progress = progress::Progress::new(inputs.documents.len(), visible);
    let limits = nianbao_extract::Limits {
        max_input_bytes: args.max_input_bytes,
        ..nianbao_extract::Limits::default()
    };
    let output = pipeline::Output {
        dir: &args.out,
        format: args.format,
    };
    let result = pipeline::build(inputs.documents, &output, &limits, &pool, &progress);
    progress.finish();
    let mut summary = result?;
    summary.skipped = inputs.skipped;
    summary.elapsed = started.elapsed();
    Ok(summary)
}
