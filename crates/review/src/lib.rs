#![deny(missing_docs)]
//! nianbao-review: a static HTML review of a dataset (`nianbao review DATASET --out SITE`).
//!
//! The design is three steps, one module each, with no server and nothing fetched:
//!
//! - [`dataset`] reads the `reports`, `cells` and `checks` tables (Parquet or CSV) back into the
//!   schema's [`Report`](nianbao_schema::Report)s, plus what only the dataset knows (provenance,
//!   normalized agency, read errors, optional `region_level`/`agency_kind` columns);
//! - the renderers turn them into pages: [`overview`] (`index.html`: counts, inline SVG
//!   charts), [`list`] (`reports.html`: a sortable, filterable table) and [`report_page`]
//!   (`reports/<report_id>.html`: the three tables laid out like the national template). The
//!   report page renders from a `Report` and a small [`PageContext`], so `nianbao extract FILE
//!   --format html` uses the same renderer;
//! - [`write_site`] writes every page into a temporary folder beside the output and renames it
//!   into place, so the output is the old site or the whole new one, never half of one.
//!
//! Every text from the data goes through one escaping helper ([`html`]); the schema's
//! [`cells_of_check`](nianbao_schema::cells_of_check) is the one place that maps a check's rule
//! and scope to the cells it involves (the report page and `extract --format table` share it). Pages are
//! self-contained: the stylesheet (a system CJK font stack, tabular figures) and the list's few
//! lines of script are inlined, and nothing refers outside the site folder, so it works from
//! `file://`.

pub mod charts;
pub mod dataset;
pub mod html;
pub mod list;
pub mod overview;
pub mod report_page;
pub mod style;

use std::collections::{BTreeMap, HashSet};
use std::ops::Bound;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use dataset::{read_dataset, Dataset, DatasetReport, ReadFailure, ReportContext};
pub use report_page::{render_report_page, PageContext, YearLink};

/// What to write.
#[derive(Debug, Clone)]
pub struct ReviewOptions {
    /// The site's title, on the overview and the list.
    pub title: String,
}

impl Default for ReviewOptions {
    fn default() -> Self {
        ReviewOptions {
            title: "政府信息公开工作年度报告 · 数据审阅".to_string(),
        }
    }
}

/// What was written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SiteSummary {
    /// Rows of `reports` (documents, failed and duplicates included).
    pub documents: usize,
    /// Report pages written.
    pub report_pages: usize,
    /// Documents that could not be read.
    pub failed_reads: usize,
    /// Size of `index.html`, in bytes.
    pub overview_bytes: u64,
    /// Size of every file of the site, in bytes.
    pub total_bytes: u64,
}

/// Why no site was written.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// The folder holds no dataset (no `reports.parquet` or `reports.csv`).
    #[error("{}: no dataset here (no reports.parquet or reports.csv; make one with `nianbao dataset`)", dir.display())]
    NoDataset {
        /// The folder.
        dir: PathBuf,
    },
    /// A table of the dataset is missing.
    #[error("{}: the dataset has no {table} table ({table}.parquet or {table}.csv)", dir.display())]
    MissingTable {
        /// The folder.
        dir: PathBuf,
        /// The table.
        table: &'static str,
    },
    /// A table could not be read.
    #[error("{}: cannot read the table: {source}", path.display())]
    Read {
        /// The table's file.
        path: PathBuf,
        /// Why.
        source: polars::error::PolarsError,
    },
    /// A table lacks a column the site needs.
    #[error("the {table} table has no {column} column")]
    MissingColumn {
        /// The table.
        table: &'static str,
        /// The column.
        column: &'static str,
    },
    /// A column has a type that cannot be read as expected.
    #[error("the {table} table's {column} column cannot be read: {source}")]
    Column {
        /// The table.
        table: &'static str,
        /// The column.
        column: &'static str,
        /// Why.
        source: polars::error::PolarsError,
    },
    /// The site could not be written.
    #[error("{}: cannot write the site: {source}", path.display())]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// The page of a report, relative to the site root: `reports/<report_id>.html`, or `None` when
/// the id is not a plain name (ids are hex SHA-256; anything else is never used as a path).
pub fn page_href(report_id: &str) -> Option<String> {
    let plain = !report_id.is_empty()
        && report_id.len() <= 128
        && report_id.bytes().all(|b| b.is_ascii_alphanumeric());
    plain.then(|| format!("reports/{report_id}.html"))
}

/// Reads the dataset in `dataset_dir` and writes its review site to `out` (replaced whole).
pub fn write_site(
    dataset_dir: &Path,
    out: &Path,
    options: &ReviewOptions,
) -> Result<SiteSummary, ReviewError> {
    let dataset = read_dataset(dataset_dir)?;
    let write_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ReviewError::Write { path, source }
    };
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(write_error(parent))?;
    let name = out
        .file_name()
        .map_or("site".into(), |n| n.to_string_lossy().into_owned());
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempdir_in(parent)
        .map_err(write_error(parent))?;
    let root = staging.path();
    let pages_dir = root.join("reports");
    std::fs::create_dir(&pages_dir).map_err(write_error(&pages_dir))?;

    let pages = report_pages(&dataset);
    let total: u64 = pages
        .par_iter()
        .map(|(entry, page)| {
            let href = page_href(&entry.report.source.sha256).unwrap_or_default();
            let html = render_report_page(&entry.report, page);
            let path = root.join(href);
            std::fs::write(&path, &html).map_err(write_error(&path))?;
            Ok(html.len() as u64)
        })
        .sum::<Result<u64, ReviewError>>()?;

    let overview = overview::render_overview(&dataset, &options.title);
    let index = root.join("index.html");
    std::fs::write(&index, &overview).map_err(write_error(&index))?;
    let list = list::render_list(&dataset, &options.title);
    let list_path = root.join("reports.html");
    std::fs::write(&list_path, &list).map_err(write_error(&list_path))?;

    let summary = SiteSummary {
        documents: dataset.reports.len(),
        report_pages: pages.len(),
        failed_reads: dataset
            .reports
            .iter()
            .filter(|r| r.failure.is_some())
            .count(),
        overview_bytes: overview.len() as u64,
        total_bytes: total + overview.len() as u64 + list.len() as u64,
    };
    replace_dir(staging, out)?;
    Ok(summary)
}

/// Moves the finished `staging` folder to `out`; an older site there is moved aside first and
/// removed once the new one is in place.
fn replace_dir(staging: tempfile::TempDir, out: &Path) -> Result<(), ReviewError> {
    let write_error = |source| ReviewError::Write {
        path: out.to_path_buf(),
        source,
    };
    let staged = staging.keep();
    let old = if out.exists() {
        let aside = staged.with_extension("old");
        std::fs::rename(out, &aside).map_err(write_error)?;
        Some(aside)
    } else {
        None
    };
    if let Err(e) = std::fs::rename(&staged, out) {
        if let Some(aside) = &old {
            let _ = std::fs::rename(aside, out);
        }
        let _ = std::fs::remove_dir_all(&staged);
        return Err(write_error(e));
    }
    if let Some(aside) = old {
        let _ = std::fs::remove_dir_all(aside);
    }
    Ok(())
}

/// The reports that get a page (read, with a plain id; one page per id: a byte-identical copy
/// shares its original's) and each page's context, with links to the same agency's previous and
/// next years (among originals).
fn report_pages(dataset: &Dataset) -> Vec<(&DatasetReport, PageContext)> {
    let mut seen = HashSet::new();
    let entries: Vec<&DatasetReport> = dataset
        .reports
        .iter()
        .filter(|r| r.failure.is_none())
        .filter(|r| page_href(&r.report.source.sha256).is_some())
        .filter(|r| seen.insert(r.report.source.sha256.as_str()))
        .collect();
    // Agency → year → the first report of that year.
    let mut years: BTreeMap<&str, BTreeMap<i32, &str>> = BTreeMap::new();
    for r in entries.iter().filter(|r| r.duplicate_of.is_none()) {
        if let (Some(agency), Some(year)) = (&r.context.agency_normalized, r.report.report.year) {
            years
                .entry(agency.as_str())
                .or_default()
                .entry(year)
                .or_insert(r.report.source.sha256.as_str());
        }
    }
    let link = |year: &i32, id: &&str| YearLink {
        year: *year,
        href: format!("{id}.html"),
    };
    entries
        .into_iter()
        .map(|r| {
            let neighbours = r
                .context
                .agency_normalized
                .as_deref()
                .zip(r.report.report.year)
                .and_then(|(agency, year)| Some((years.get(agency)?, year)));
            let (previous, next) = match neighbours {
                Some((by_year, year)) => (
                    by_year.range(..year).next_back().map(|(y, id)| link(y, id)),
                    by_year
                        .range((Bound::Excluded(year), Bound::Unbounded))
                        .next()
                        .map(|(y, id)| link(y, id)),
                ),
                None => (None, None),
            };
            let page = PageContext {
                context: r.context.clone(),
                previous,
                next,
                site_root: Some("../".to_string()),
            };
            (r, page)
        })
        .collect()
}
