//! nianbao-dataset: reports to Parquet (being written).

use std::path::PathBuf;

/// Options of `nianbao dataset`.
#[derive(clap::Args, Debug, Clone)]
pub struct DatasetArgs {
    /// Files, folders or crawl folders to read.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// The output folder.
    #[arg(long)]
    pub out: PathBuf,
}

/// Runs `nianbao dataset`; returns the process exit code.
pub fn run(args: &DatasetArgs) -> anyhow::Result<i32> {
    let _ = args;
    anyhow::bail!("dataset is not implemented yet")
}
