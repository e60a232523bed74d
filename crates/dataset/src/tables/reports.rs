//! `reports`: one row per document, failed ones included (with `error` set).

use std::collections::BTreeMap;
use std::mem::take;

use nianbao_schema::{Report, Status};
use polars::prelude::*;

use nianbao_extract::Section;

use super::{column, frame, Rows};
use crate::agency::AgencyKind;
use crate::duplicates::Kind;
use crate::extract::Outcome;
use crate::region::Region;
use crate::timeliness::{days_late, deadline, Date};

/// The version of the extractor that produced the rows.
pub const PARSER_VERSION: &str = concat!("nianbao ", env!("CARGO_PKG_VERSION"));

/// Checks counted against a `reports` row after the row was written (X3.1, known at the end).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct LateChecks {
    /// Checks.
    pub checks: u32,
    /// Of which failed.
    pub failed: u32,
}

/// Adds the late checks of `late` (by row of the table) to the `n_checks` and
/// `n_checks_failed` of `frame`, whose first row is row `first` of the table.
pub fn add_late_checks(
    frame: &mut DataFrame,
    first: usize,
    late: &BTreeMap<usize, LateChecks>,
) -> PolarsResult<()> {
    let rows = late.range(first..first + frame.height());
    if rows.clone().next().is_none() {
        return Ok(());
    }
    let mut add = |name: &str, count: fn(&LateChecks) -> u32| -> PolarsResult<()> {
        let mut values: Vec<Option<u32>> = frame.column(name)?.u32()?.iter().collect();
        for (&row, checks) in rows.clone() {
            let n = &mut values[row - first];
            if count(checks) > 0 {
                *n = Some(n.unwrap_or(0) + count(checks));
            }
        }
        frame.replace(name, column(name, values))?;
        Ok(())
    };
    add("n_checks", |l| l.checks)?;
    add("n_checks_failed", |l| l.failed)?;
    Ok(())
}

/// Buffered rows of `reports`.
#[derive(Default)]
pub struct ReportsTable {
    report_id: Vec<String>,
    source_path: Vec<String>,
    source_format: Vec<Option<String>>,
    source_encoding: Vec<Option<String>>,
    source_url: Vec<Option<String>>,
    fetched_at: Vec<Option<String>>,
    referrer_title: Vec<Option<String>>,
    crawl_kind: Vec<Option<String>>,
    title: Vec<Option<String>>,
    agency: Vec<Option<String>>,
    agency_normalized: Vec<Option<String>>,
    year: Vec<Option<i32>>,
    template: Vec<Option<String>>,
    published: Vec<Option<String>>,
    error: Vec<Option<String>>,
    error_kind: Vec<Option<&'static str>>,
    n_cells: Vec<Option<u32>>,
    n_numbers: Vec<Option<u32>>,
    n_blank: Vec<Option<u32>>,
    n_dash: Vec<Option<u32>>,
    n_missing: Vec<Option<u32>>,
    n_ambiguous: Vec<Option<u32>>,
    n_checks: Vec<Option<u32>>,
    n_checks_failed: Vec<Option<u32>>,
    n_warnings: Vec<Option<u32>>,
    warnings: Vec<Option<String>>,
    duplicate_of: Vec<Option<String>>,
    duplicate_kind: Vec<Option<&'static str>>,
    agency_kind: Vec<Option<&'static str>>,
    deadline: Vec<Option<String>>,
    days_late: Vec<Option<i64>>,
    sections_missing: Vec<Option<String>>,
    region_code: Vec<Option<&'static str>>,
    region_name: Vec<Option<&'static str>>,
    region_level: Vec<Option<&'static str>>,
    region_warning: Vec<Option<String>>,
}

impl ReportsTable {
    /// Adds the row of one document.
    pub fn push(
        &mut self,
        outcome: &Outcome,
        agency_normalized: Option<&str>,
        region: Option<&Result<Region, String>>,
        duplicate: Option<&(String, Kind)>,
    ) {
        let crawl = outcome.document.crawl.as_ref();
        self.report_id.push(outcome.report_id.clone());
        self.source_path
            .push(crate::inputs::path_text(&outcome.document.path));
        self.source_url.push(crawl.map(|c| c.url.clone()));
        self.fetched_at.push(crawl.map(|c| c.fetched_at.clone()));
        self.referrer_title
            .push(crawl.and_then(|c| c.referrer_title.clone()));
        self.crawl_kind
            .push(crawl.map(|c| c.kind.name().to_string()));
        self.agency_normalized
            .push(agency_normalized.map(str::to_string));
        self.duplicate_of.push(duplicate.map(|d| d.0.clone()));
        self.duplicate_kind.push(duplicate.map(|d| d.1.name()));
        let report = outcome.result.as_ref().ok();
        let meta = report.map(|r| &r.report);
        self.source_format
            .push(report.map(|r| r.source.format.clone()));
        self.source_encoding
            .push(report.and_then(|r| r.source.encoding.clone()));
        self.title.push(meta.and_then(|m| m.title.clone()));
        self.agency.push(meta.and_then(|m| m.agency.clone()));
        self.year.push(meta.and_then(|m| m.year));
        self.template.push(meta.and_then(|m| m.template.clone()));
        self.published.push(meta.and_then(|m| m.published.clone()));
        let failure = outcome.result.as_ref().err();
        self.error.push(failure.map(|f| f.message.clone()));
        self.error_kind.push(failure.map(|f| f.kind));
        let count = |f: &dyn Fn(&Report) -> usize| report.map(|r| f(r) as u32);
        let status = |s: Status| count(&|r| r.cells.iter().filter(|c| c.status == s).count());
        self.n_cells.push(count(&|r| r.cells.len()));
        self.n_numbers.push(status(Status::Number));
        self.n_blank.push(status(Status::Blank));
        self.n_dash.push(status(Status::Dash));
        self.n_missing.push(status(Status::Missing));
        self.n_ambiguous.push(status(Status::Ambiguous));
        self.n_checks.push(count(&|r| r.checks.len()));
        self.n_checks_failed.push(count(&|r| r.failed_checks()));
        self.n_warnings.push(count(&|r| r.warnings.len()));
        self.warnings.push(
            report
                .filter(|r| !r.warnings.is_empty())
                .map(|r| r.warnings.join("\n")),
        );
        let kind = agency_normalized.and_then(AgencyKind::of);
        self.agency_kind.push(kind.map(AgencyKind::name));
        let due = meta.and_then(|m| m.year).and_then(|y| deadline(y, kind));
        let published = meta
            .and_then(|m| m.published.as_deref())
            .and_then(Date::parse);
        self.deadline.push(due.map(|d| d.to_string()));
        self.days_late
            .push(published.zip(due).map(|(p, d)| days_late(p, d)));
        self.sections_missing.push(report.map(|_| {
            let found = &outcome.narrative.sections;
            Section::ALL
                .iter()
                .filter(|s| !found.contains(s))
                .map(|s| s.number().to_string())
                .collect::<Vec<_>>()
                .join(",")
        }));
        let resolved = region.and_then(|r| r.as_ref().ok());
        self.region_code.push(resolved.map(|r| r.code));
        self.region_name.push(resolved.map(|r| r.name));
        self.region_level.push(resolved.map(|r| r.level.name()));
        self.region_warning
            .push(region.and_then(|r| r.as_ref().err().cloned()));
    }
}

impl Rows for ReportsTable {
    const ROW_GROUP: usize = 1 << 13;

    fn rows(&self) -> usize {
        self.report_id.len()
    }

    fn take_frame(&mut self) -> PolarsResult<DataFrame> {
        let height = self.report_id.len();
        frame(
            height,
            vec![
                column("report_id", take(&mut self.report_id)),
                column("source_path", take(&mut self.source_path)),
                column("source_format", take(&mut self.source_format)),
                column("source_encoding", take(&mut self.source_encoding)),
                column("source_url", take(&mut self.source_url)),
                column("fetched_at", take(&mut self.fetched_at)),
                column("referrer_title", take(&mut self.referrer_title)),
                column("crawl_kind", take(&mut self.crawl_kind)),
                column("title", take(&mut self.title)),
                column("agency", take(&mut self.agency)),
                column("agency_normalized", take(&mut self.agency_normalized)),
                column("year", take(&mut self.year)),
                column("template", take(&mut self.template)),
                column("published", take(&mut self.published)),
                column("error", take(&mut self.error)),
                column("error_kind", take(&mut self.error_kind)),
                column("n_cells", take(&mut self.n_cells)),
                column("n_numbers", take(&mut self.n_numbers)),
                column("n_blank", take(&mut self.n_blank)),
                column("n_dash", take(&mut self.n_dash)),
                column("n_missing", take(&mut self.n_missing)),
                column("n_ambiguous", take(&mut self.n_ambiguous)),
                column("n_checks", take(&mut self.n_checks)),
                column("n_checks_failed", take(&mut self.n_checks_failed)),
                column("n_warnings", take(&mut self.n_warnings)),
                column("warnings", take(&mut self.warnings)),
                column("duplicate_of", take(&mut self.duplicate_of)),
                column("duplicate_kind", take(&mut self.duplicate_kind)),
                column("parser_version", vec![PARSER_VERSION; height]),
                column("agency_kind", take(&mut self.agency_kind)),
                column("deadline", take(&mut self.deadline)),
                column("days_late", take(&mut self.days_late)),
                column("sections_missing", take(&mut self.sections_missing)),
                column("region_code", take(&mut self.region_code)),
                column("region_name", take(&mut self.region_name)),
                column("region_level", take(&mut self.region_level)),
                column("region_warning", take(&mut self.region_warning)),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn late_checks_land_on_their_rows_of_a_later_row_group() {
        // Rows 10..13 of the table; late checks for rows before, in and after them.
        let mut frame = DataFrame::new(
            3,
            vec![
                column("n_checks", vec![Some(40u32), None, Some(7)]),
                column("n_checks_failed", vec![Some(0u32), None, Some(1)]),
            ],
        )
        .unwrap();
        let late = BTreeMap::from([
            (
                9,
                LateChecks {
                    checks: 5,
                    failed: 5,
                },
            ),
            (
                10,
                LateChecks {
                    checks: 7,
                    failed: 0,
                },
            ),
            (
                12,
                LateChecks {
                    checks: 7,
                    failed: 2,
                },
            ),
            (
                13,
                LateChecks {
                    checks: 1,
                    failed: 1,
                },
            ),
        ]);
        add_late_checks(&mut frame, 10, &late).unwrap();
        let values = |name: &str| -> Vec<Option<u32>> {
            frame.column(name).unwrap().u32().unwrap().iter().collect()
        };
        assert_eq!(values("n_checks"), [Some(47), None, Some(14)]);
        assert_eq!(values("n_checks_failed"), [Some(0), None, Some(3)]);
    }
}
