//! Reading a dataset folder (`reports`, `cells`, `checks` as `.parquet` or `.csv`) back into the
//! schema's [`Report`]s, with what the `reports` table adds (provenance, normalized agency,
//! read errors, duplicates, optional classification columns).

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use nianbao_schema::{Cell, Check, Meta, Number, Report, Source, Status};
use polars::prelude::*;

use crate::ReviewError;

/// One row of `reports`: a document, read or not.
#[derive(Debug, Clone, Default)]
pub struct DatasetReport {
    /// The report as extracted (source, metadata, cells, checks, warnings); without cells when
    /// the document could not be read.
    pub report: Report,
    /// Where and when it was fetched, and how it is grouped.
    pub context: ReportContext,
    /// Why the document could not be read; `None` when it was.
    pub failure: Option<ReadFailure>,
    /// The `report_id` of the earlier document this one duplicates.
    pub duplicate_of: Option<String>,
}

/// What the dataset knows about a report beyond the report itself.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportContext {
    /// The URL it was fetched from (crawls only).
    pub source_url: Option<String>,
    /// When it was fetched, RFC 3339 (crawls only).
    pub fetched_at: Option<String>,
    /// The agency for grouping across years.
    pub agency_normalized: Option<String>,
    /// The region level (`province`, `city`, `county`, …), when the dataset has the column.
    pub region_level: Option<String>,
    /// The kind of agency, when the dataset has the column.
    pub agency_kind: Option<String>,
}

/// A document that could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadFailure {
    /// The kind of failure for counting (`error_kind`, or the message itself in datasets made
    /// before that column existed).
    pub kind: String,
    /// The message.
    pub message: String,
}

/// The dataset: every `reports` row in table order, and which optional columns it has.
#[derive(Debug, Default)]
pub struct Dataset {
    /// One entry per `reports` row.
    pub reports: Vec<DatasetReport>,
    /// Whether `reports` has a `region_level` column.
    pub has_region_level: bool,
    /// Whether `reports` has an `agency_kind` column.
    pub has_agency_kind: bool,
}

/// The file of table `name` in `dir`: `name.parquet`, else `name.csv`.
fn table_path(dir: &Path, name: &str) -> Option<PathBuf> {
    ["parquet", "csv"]
        .iter()
        .map(|ext| dir.join(format!("{name}.{ext}")))
        .find(|p| p.is_file())
}

/// Reads table `name` of `dir`. CSV columns are all read as text and converted per column, so a
/// column whose first rows happen to look numeric cannot fail the read.
fn read_table(dir: &Path, name: &'static str) -> Result<DataFrame, ReviewError> {
    let path = table_path(dir, name).ok_or_else(|| ReviewError::MissingTable {
        dir: dir.to_path_buf(),
        table: name,
    })?;
    let failed = |source: PolarsError| ReviewError::Read {
        path: path.clone(),
        source,
    };
    let mut frame = if path.extension().is_some_and(|e| e == "csv") {
        CsvReadOptions::default()
            .with_has_header(true)
            .with_infer_schema_length(Some(0))
            .try_into_reader_with_file_path(Some(path.clone()))
            .and_then(|r| r.finish())
            .map_err(failed)?
    } else {
        let file = File::open(&path).map_err(|e| ReviewError::Read {
            path: path.clone(),
            source: e.into(),
        })?;
        ParquetReader::new(file).finish().map_err(failed)?
    };
    // The CSV writer puts a byte-order mark before the first column's name.
    let names: Vec<String> = frame
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    if let Some(first) = names.first().filter(|n| n.starts_with('\u{feff}')) {
        frame
            .rename(first, first.trim_start_matches('\u{feff}').into())
            .map_err(failed)?;
    }
    Ok(frame)
}

/// Typed access to the columns of one table.
struct Columns<'f> {
    frame: &'f DataFrame,
    table: &'static str,
}

impl Columns<'_> {
    fn has(&self, name: &str) -> bool {
        self.frame.column(name).is_ok()
    }

    fn column(&self, name: &'static str, dtype: &DataType) -> Result<Column, ReviewError> {
        let column = self
            .frame
            .column(name)
            .map_err(|_| ReviewError::MissingColumn {
                table: self.table,
                column: name,
            })?;
        column.cast(dtype).map_err(|source| ReviewError::Column {
            table: self.table,
            column: name,
            source,
        })
    }

    /// A text column; `None` values stay `None`. Absent optional columns give all `None`.
    fn strings(
        &self,
        name: &'static str,
        required: bool,
    ) -> Result<Vec<Option<String>>, ReviewError> {
        if !required && !self.has(name) {
            return Ok(vec![None; self.frame.height()]);
        }
        let column = self.column(name, &DataType::String)?;
        let strings = column.str().map_err(|source| ReviewError::Column {
            table: self.table,
            column: name,
            source,
        })?;
        Ok(strings
            .iter()
            .map(|s| s.filter(|s| !s.is_empty()).map(str::to_string))
            .collect())
    }

    fn ints(&self, name: &'static str) -> Result<Vec<Option<i64>>, ReviewError> {
        let column = self.column(name, &DataType::Int64)?;
        let ints = column.i64().map_err(|source| ReviewError::Column {
            table: self.table,
            column: name,
            source,
        })?;
        Ok(ints.iter().collect())
    }

    fn floats(&self, name: &'static str) -> Result<Vec<Option<f64>>, ReviewError> {
        let column = self.column(name, &DataType::Float64)?;
        let floats = column.f64().map_err(|source| ReviewError::Column {
            table: self.table,
            column: name,
            source,
        })?;
        Ok(floats.iter().collect())
    }

    /// A Boolean column (Parquet) or `true`/`false` text (CSV).
    fn bools(&self, name: &'static str) -> Result<Vec<bool>, ReviewError> {
        Ok(self
            .strings(name, true)?
            .into_iter()
            .map(|s| s.is_some_and(|s| s.eq_ignore_ascii_case("true")))
            .collect())
    }
}

fn status_of(name: &str) -> Status {
    match name {
        "number" => Status::Number,
        "blank" => Status::Blank,
        "dash" => Status::Dash,
        "ambiguous" => Status::Ambiguous,
        _ => Status::Missing,
    }
}

fn parse_number(text: &str) -> Option<Number> {
    text.parse::<i64>()
        .map(Number::Int)
        .ok()
        .or_else(|| text.parse::<f64>().ok().map(Number::Decimal))
}

/// Reads the dataset in `dir`. Fails with [`ReviewError::NoDataset`] when the folder has no
/// `reports` table at all.
pub fn read_dataset(dir: &Path) -> Result<Dataset, ReviewError> {
    if table_path(dir, "reports").is_none() {
        return Err(ReviewError::NoDataset {
            dir: dir.to_path_buf(),
        });
    }
    let reports = read_table(dir, "reports")?;
    let mut cells = cells_by_report(&read_table(dir, "cells")?)?;
    let mut checks = checks_by_report(&read_table(dir, "checks")?)?;

    let columns = Columns {
        frame: &reports,
        table: "reports",
    };
    let id = columns.strings("report_id", true)?;
    let path = columns.strings("source_path", true)?;
    let format = columns.strings("source_format", false)?;
    let encoding = columns.strings("source_encoding", false)?;
    let url = columns.strings("source_url", false)?;
    let fetched_at = columns.strings("fetched_at", false)?;
    let title = columns.strings("title", false)?;
    let agency = columns.strings("agency", false)?;
    let agency_normalized = columns.strings("agency_normalized", false)?;
    let year = columns.ints("year")?;
    let template = columns.strings("template", false)?;
    let published = columns.strings("published", false)?;
    let error = columns.strings("error", false)?;
    let error_kind = columns.strings("error_kind", false)?;
    let warnings = columns.strings("warnings", false)?;
    let duplicate_of = columns.strings("duplicate_of", false)?;
    let region_level = columns.strings("region_level", false)?;
    let agency_kind = columns.strings("agency_kind", false)?;

    let mut out = Vec::with_capacity(reports.height());
    for row in 0..reports.height() {
        let report_id = id[row].clone().unwrap_or_default();
        let failure = error[row].clone().map(|message| ReadFailure {
            kind: error_kind[row].clone().unwrap_or_else(|| message.clone()),
            message,
        });
        // A byte-identical duplicate shares the original's id and has no rows of its own: the
        // original (always the earlier row) takes them.
        let report = Report {
            source: Source {
                path: path[row].clone().unwrap_or_default(),
                sha256: report_id.clone(),
                format: format[row].clone().unwrap_or_default(),
                encoding: encoding[row].clone(),
            },
            report: Meta {
                title: title[row].clone(),
                agency: agency[row].clone(),
                year: year[row].and_then(|y| i32::try_from(y).ok()),
                template: template[row].clone(),
                published: published[row].clone(),
            },
            cells: cells.remove(&report_id).unwrap_or_default(),
            checks: checks.remove(&report_id).unwrap_or_default(),
            warnings: warnings[row]
                .as_deref()
                .map(|w| w.lines().map(str::to_string).collect())
                .unwrap_or_default(),
        };
        out.push(DatasetReport {
            report,
            context: ReportContext {
                source_url: url[row].clone(),
                fetched_at: fetched_at[row].clone(),
                agency_normalized: agency_normalized[row].clone(),
                region_level: region_level[row].clone(),
                agency_kind: agency_kind[row].clone(),
            },
            failure,
            duplicate_of: duplicate_of[row].clone(),
        });
    }
    Ok(Dataset {
        reports: out,
        has_region_level: columns.has("region_level"),
        has_agency_kind: columns.has("agency_kind"),
    })
}

fn cells_by_report(frame: &DataFrame) -> Result<HashMap<String, Vec<Cell>>, ReviewError> {
    let columns = Columns {
        frame,
        table: "cells",
    };
    let id = columns.strings("report_id", true)?;
    let key = columns.strings("key", true)?;
    let int = columns.ints("value_int")?;
    let decimal = columns.floats("value_decimal")?;
    let status = columns.strings("status", true)?;
    let raw = columns.strings("raw", false)?;
    let unit = columns.strings("unit", false)?;
    let candidates = columns.strings("candidates", false)?;
    let mut by_report: HashMap<String, Vec<Cell>> = HashMap::new();
    for (row, report_id) in id.into_iter().enumerate() {
        let value = int[row]
            .map(Number::Int)
            .or(decimal[row].map(Number::Decimal));
        let cell = Cell {
            key: key[row].clone().unwrap_or_default(),
            value,
            status: status_of(status[row].as_deref().unwrap_or("")),
            raw: raw[row].clone(),
            candidates: candidates[row]
                .as_deref()
                .map(|c| c.split('|').filter_map(parse_number).collect())
                .unwrap_or_default(),
            unit: unit[row].clone(),
        };
        by_report
            .entry(report_id.unwrap_or_default())
            .or_default()
            .push(cell);
    }
    Ok(by_report)
}

fn checks_by_report(frame: &DataFrame) -> Result<HashMap<String, Vec<Check>>, ReviewError> {
    let columns = Columns {
        frame,
        table: "checks",
    };
    let id = columns.strings("report_id", true)?;
    let rule = columns.strings("rule", true)?;
    let scope = columns.strings("scope", true)?;
    let passed = columns.bools("passed")?;
    let detail = columns.strings("detail", false)?;
    let mut by_report: HashMap<String, Vec<Check>> = HashMap::new();
    for (row, report_id) in id.into_iter().enumerate() {
        by_report
            .entry(report_id.unwrap_or_default())
            .or_default()
            .push(Check {
                rule: rule[row].clone().unwrap_or_default(),
                scope: scope[row].clone().unwrap_or_default(),
                passed: passed[row],
                detail: detail[row].clone().unwrap_or_default(),
            });
    }
    Ok(by_report)
}
