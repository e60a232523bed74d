//! nianbao-fetch: the crawler (being written).

use std::path::{Path, PathBuf};

/// Options of `nianbao crawl`.
#[derive(clap::Args, Debug, Clone)]
pub struct CrawlArgs {
    /// Site roots or column pages to crawl.
    #[arg(required = true)]
    pub urls: Vec<String>,
    /// The crawl folder (raw store and state); created if absent, resumed if present.
    #[arg(long)]
    pub out: PathBuf,
}

/// Runs `nianbao crawl`; returns the process exit code.
pub fn run(args: &CrawlArgs) -> anyhow::Result<i32> {
    let _ = args;
    anyhow::bail!("crawl is not implemented yet")
}

/// One document stored by a crawl, for the dataset.
#[derive(Debug, Clone)]
pub struct CrawledDocument {
    /// The stored bytes (in the crawl folder's raw store).
    pub path: PathBuf,
    /// The URL it was fetched from (after redirects).
    pub url: String,
    /// When it was fetched, RFC 3339.
    pub fetched_at: String,
    /// The title (or link text) of the page that linked to it.
    pub referrer_title: Option<String>,
    /// `report` (a report page) or `attachment`.
    pub kind: String,
}

/// Whether `dir` is a crawl folder.
pub fn is_crawl_dir(dir: &Path) -> bool {
    dir.join("crawl.sqlite").is_file()
}

/// The documents a crawl folder holds.
pub fn crawled_documents(dir: &Path) -> anyhow::Result<Vec<CrawledDocument>> {
    anyhow::bail!("{}: reading crawl folders is not implemented yet", dir.display())
}
