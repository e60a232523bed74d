//! `nianbao review DATASET_DIR --out SITE_DIR`: a static HTML review of a dataset.
//!
//! Exit codes: 0 the site was written, 1 fatal (no dataset in the folder, a table that cannot
//! be read, a site that cannot be written: the old site, if any, is left as it was), 2 bad
//! arguments (clap).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// Options of `nianbao review`.
#[derive(clap::Args, Debug, Clone)]
pub struct ReviewArgs {
    /// The dataset folder (made by `nianbao dataset`).
    pub dataset: PathBuf,
    /// The site folder to write (replaced whole).
    #[arg(long)]
    pub out: PathBuf,
    /// The site's title.
    #[arg(long)]
    pub title: Option<String>,
}

/// Runs `nianbao review` and prints its summary line.
pub fn run(args: &ReviewArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let mut options = nianbao_review::ReviewOptions::default();
    if let Some(title) = &args.title {
        options.title = title.clone();
    }
    let summary = nianbao_review::write_site(&args.dataset, &args.out, &options)?;
    eprintln!(
        "nianbao review: {} documents, {} report pages, {} failed reads; index.html {} KB, site {} KB; wrote {} in {:.1} s",
        summary.documents,
        summary.report_pages,
        summary.failed_reads,
        summary.overview_bytes.div_ceil(1024),
        summary.total_bytes.div_ceil(1024),
        args.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
