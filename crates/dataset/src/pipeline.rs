//! The run: documents are extracted in chunks on the thread pool while the previous chunk's
//! outcomes are turned into rows and written, in document order (with one worker, a chunk is one
//! document). Memory holds two chunks of outcomes, each table's rows up to one row group (a size
//! of its own, apart from the chunks), and per document only what the run needs to the end: its
//! entry in the list of inputs (a 56-byte [`Document`] and its path), its id in the duplicate
//! index (32 bytes in a hash set); per report with numbers that is not a duplicate, its id and
//! agency by cell fingerprint and, for X3.1, its id and 14 numbers; per agency and year, one
//! `panel` row. The Parquet writer also keeps, until a table's file is finished, what its footer
//! and page index will say of each column chunk (a row group's column): about 2.4 KB a chunk
//! (heaptrack), which at 100,000 CMS pages is 19,300 chunks and 46 MB, most of them `wide`'s.
//! The `reports` rows go to a temporary file and are copied into place at the end with the X3.1
//! checks counted.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use nianbao_extract::Limits;
use polars::prelude::*;
use rayon::prelude::*;

use crate::carry::CarryOver;
use crate::duplicates::{Duplicates, Kind};
use crate::error::{Error, Result};
use crate::extract::{extract, Outcome};
use crate::inputs::Document;
use crate::narrative;
use crate::progress::Observer;
use crate::sink::{Finished, Format, Sink};
use crate::summary::Summary;
use crate::tables::reports::{add_late_checks, LateChecks};
use crate::tables::{
    CellsTable, ChecksTable, FactsTable, PanelTable, ReportsTable, Rows, WideTable,
};

/// Documents extracted per chunk, per worker thread: a chunk ends with the slowest thread's last
/// document, so each thread needs enough of them (at 64 a thread, two threads took a third
/// longer than at 256), and two chunks of outcomes are in memory at a time.
const CHUNK_PER_THREAD: usize = 256;

/// Where and how to write.
pub struct Output<'a> {
    /// The output folder (it exists).
    pub dir: &'a Path,
    /// The table format.
    pub format: Format,
}

/// Extracts every document and writes the tables; returns the counts.
pub fn build(
    documents: Vec<Document>,
    output: &Output,
    limits: &Limits,
    pool: &rayon::ThreadPool,
    progress: &dyn Observer,
) -> Result<Summary> {
    let mut collector = Collector::create(output)?;
    let mut documents = documents.into_iter().peekable();
    let mut pending: Vec<Outcome> = Vec::new();
    // One worker has no chunk to balance: each outcome is written as soon as it is read, and
    // memory holds one document's outcome instead of two chunks of them.
    let chunk_size = match pool.current_num_threads() {
        0 | 1 => 1,
        threads => CHUNK_PER_THREAD * threads,
    };
    while documents.peek().is_some() || !pending.is_empty() {
        let chunk: Vec<Document> = documents.by_ref().take(chunk_size).collect();
        let (next, added) = pool.install(|| {
            rayon::join(
                || {
                    chunk
                        .into_par_iter()
                        .map(|document| {
                            let outcome = extract(document, limits);
                            progress.done(outcome.result.is_err());
                            outcome
                        })
                        .collect::<Vec<_>>()
                },
                || collector.add(std::mem::take(&mut pending)),
            )
        });
        added?;
        pending = next;
    }
    collector.finish()
}

/// A table's buffered rows and the file they go to, a row group at a time.
struct Table<T> {
    rows: T,
    sink: Sink,
}

impl<T: Rows> Table<T> {
    fn create(dir: &Path, name: &str, format: Format) -> Result<Table<T>> {
        Ok(Table {
            rows: T::default(),
            sink: sink_for(dir, name, format, T::default().take_frame())?,
        })
    }

    /// Writes the buffered rows when they fill a row group.
    fn write_full(&mut self) -> Result<()> {
        if self.rows.rows() < T::ROW_GROUP {
            return Ok(());
        }
        self.write_all()
    }

    /// Writes the buffered rows.
    fn write_all(&mut self) -> Result<()> {
        self.sink.write(self.rows.take_frame())
    }
}

/// Turns outcomes into rows, in order, and writes them. The `reports` rows go to a temporary
/// file first: X3.1 adds checks to rows written long before, known only at the end, when the
/// rows are copied to their table with those checks counted in.
struct Collector {
    reports: Table<ReportsTable>,
    cells: Table<CellsTable>,
    checks: Table<ChecksTable>,
    wide: Table<WideTable>,
    facts: Table<FactsTable>,
    panel: PanelTable,
    output: PathBuf,
    format: Format,
    duplicates: Duplicates,
    carry: CarryOver,
    summary: Summary,
}

impl Collector {
    fn create(output: &Output) -> Result<Collector> {
        let (dir, format) = (output.dir, output.format);
        Ok(Collector {
            reports: Table::create(dir, "reports-unchecked", Format::Parquet)?,
            cells: Table::create(dir, "cells", format)?,
            checks: Table::create(dir, "checks", format)?,
            wide: Table::create(dir, "wide", format)?,
            facts: Table::create(dir, "facts", format)?,
            panel: PanelTable::default(),
            output: dir.to_path_buf(),
            format,
            duplicates: Duplicates::default(),
            carry: CarryOver::default(),
            summary: Summary {
                out: dir.to_path_buf(),
                ..Summary::default()
            },
        })
    }

    /// Adds a chunk of outcomes (in document order) and writes each row group as it fills.
    fn add(&mut self, outcomes: Vec<Outcome>) -> Result<()> {
        for outcome in outcomes {
            self.add_one(outcome);
            self.reports.write_full()?;
            self.cells.write_full()?;
            self.checks.write_full()?;
            self.wide.write_full()?;
            self.facts.write_full()?;
        }
        Ok(())
    }

    fn add_one(&mut self, mut outcome: Outcome) {
        // The prose against the tables: its checks join the report's own.
        let values = outcome.result.as_mut().ok().map(|report| {
            let values = crate::indicators::values(&report.cells);
            let statements = &outcome.narrative.statements;
            let checks = statements
                .iter()
                .filter_map(|s| narrative::check(s, &values));
            report.checks.extend(checks);
            values
        });
        let report = outcome.result.as_ref().ok();
        let agency = report
            .and_then(|r| r.report.agency.as_deref())
            .map(crate::agency::normalize)
            .filter(|a| !a.is_empty());
        let duplicate = self
            .duplicates
            .check(&outcome.report_id, report, agency.as_deref());
        let printed = report.and_then(|r| r.report.agency.as_deref());
        let region = crate::region::of(printed, agency.as_deref());
        self.reports.rows.push(
            &outcome,
            agency.as_deref(),
            region.as_ref(),
            duplicate.as_ref(),
        );

        let s = &mut self.summary;
        let row = s.documents;
        s.documents += 1;
        s.duplicates += usize::from(duplicate.is_some());
        let (Ok(report), Some(values)) = (outcome.result, values) else {
            s.failed += 1;
            return;
        };
        s.ok += 1;
        s.no_tables += usize::from(report.report.template.is_none());
        if duplicate.as_ref().is_some_and(|d| d.1 == Kind::SameBytes) {
            // Its rows would repeat the original's under the same report_id.
            return;
        }
        s.failed_checks += report.failed_checks();
        s.cells += report.cells.len();
        let id = outcome.report_id.as_str();
        if duplicate.is_none() {
            self.carry.add(row, id, agency.as_deref(), &report);
            if let (Some(agency), Some(year)) = (agency.as_deref(), report.report.year) {
                let code = region.and_then(std::result::Result::ok).map(|r| r.code);
                self.panel.add(agency, year, id, code, values);
            }
        }
        self.facts.rows.push(id, &outcome.narrative, &values);
        self.wide.rows.push(
            id,
            &report,
            agency.as_deref(),
            duplicate.as_ref().map(|d| d.0.as_str()),
        );
        self.checks.rows.push(id, &report.checks);
        self.cells.rows.push(id, &report.cells);
    }

    /// Adds the cross-report checks, writes what is buffered, copies `reports` into place with
    /// those checks counted, writes `panel`, and renames every table into place.
    fn finish(mut self) -> Result<Summary> {
        let mut late: BTreeMap<usize, LateChecks> = BTreeMap::new();
        for c in self.carry.checks() {
            let counts = late.entry(c.row).or_default();
            counts.checks += 1;
            counts.failed += u32::from(!c.check.passed);
            self.summary.failed_checks += usize::from(!c.check.passed);
            self.checks.rows.push(&c.report_id, [&c.check]);
        }
        self.cells.write_all()?;
        self.checks.write_all()?;
        self.wide.write_all()?;
        self.facts.write_all()?;
        self.reports.write_all()?;
        let reports = copy_reports(
            self.reports.sink.finish()?,
            &late,
            &self.output,
            self.format,
        )?;
        let mut panel = sink_for(
            &self.output,
            "panel",
            self.format,
            PanelTable::default().take_frame(),
        )?;
        panel.write(self.panel.take_frame())?;
        crate::sink::commit_all(vec![
            self.cells.sink,
            self.checks.sink,
            self.wide.sink,
            self.facts.sink,
            panel,
            reports,
        ])?;
        Ok(self.summary)
    }
}

/// A sink for table `name` with the columns of `empty`.
fn sink_for(
    dir: &Path,
    name: &str,
    format: Format,
    empty: PolarsResult<DataFrame>,
) -> Result<Sink> {
    let empty = empty.map_err(|source| Error::Table {
        path: dir.join(name),
        source,
    })?;
    Sink::create(dir, name, format, empty.schema())
}

/// Copies the `reports` rows written to `unchecked` into the `reports` table, a row group at a
/// time, with the late checks counted in.
fn copy_reports(
    unchecked: Finished,
    late: &BTreeMap<usize, LateChecks>,
    dir: &Path,
    format: Format,
) -> Result<Sink> {
    let mut reports = sink_for(dir, "reports", format, ReportsTable::default().take_frame())?;
    let path = unchecked.path();
    let table = |source| Error::Table {
        path: path.to_path_buf(),
        source,
    };
    let open = || {
        File::open(path).map_err(|source| Error::Output {
            path: path.to_path_buf(),
            source,
        })
    };
    let rows = ParquetReader::new(open()?).num_rows().map_err(table)?;
    for first in (0..rows).step_by(ReportsTable::ROW_GROUP) {
        let mut frame = ParquetReader::new(open()?)
            .with_slice(Some((first, ReportsTable::ROW_GROUP)))
            .finish()
            .map_err(table)?;
        add_late_checks(&mut frame, first, late).map_err(table)?;
        reports.write(Ok(frame))?;
    }
    Ok(reports)
}

#[cfg(test)]
mod tests {
    use std::fs::File;

    use nianbao_schema::{Cell, Check, Meta, Number, Report, Source, Status, Template};

    use super::*;

    fn cell(key: &str, value: Option<Number>, status: Status) -> Cell {
        Cell {
            key: key.into(),
            value,
            status,
            raw: value.map(|v| format!("{v:?}")),
            candidates: vec![],
            unit: None,
        }
    }

    /// A 2021 report: every key missing except a few.
    fn report(id: &str, agency: &str, year: i32, over: i64, forward: i64) -> Report {
        let mut cells: Vec<Cell> = Template::V2021
            .keys()
            .map(|k| Cell::missing(&k.key))
            .collect();
        let mut set = |key: &str, value: Option<Number>, status: Status| {
            let c = cells.iter_mut().find(|c| c.key == key).unwrap();
            *c = cell(key, value, status);
        };
        set(
            "table3.carried_over.total",
            Some(Number::Int(over)),
            Status::Number,
        );
        set(
            "table3.carried_forward.total",
            Some(Number::Int(forward)),
            Status::Number,
        );
        set(
            "table2.art20_8.admin_fees.amount_wan_yuan",
            Some(Number::Decimal(18651.06)),
            Status::Number,
        );
        set("table3.new_received.natural_person", None, Status::Blank);
        set(
            "table3.new_received.total",
            Some(Number::Int(0)),
            Status::Number,
        );
        Report {
            source: Source {
                path: format!("{id}.html"),
                sha256: id.into(),
                format: "html".into(),
                encoding: None,
            },
            report: Meta {
                title: Some(format!("{agency}{year}年政府信息公开工作年度报告")),
                agency: Some(agency.into()),
                year: Some(year),
                template: Some("2021".into()),
                published: None,
            },
            cells,
            checks: vec![Check {
                rule: "R3.1".into(),
                scope: "total".into(),
                passed: true,
                detail: "…".into(),
            }],
            warnings: vec!["one".into(), "two".into()],
        }
    }

    fn ok(id: &str, report: Report) -> Outcome {
        let document = Document::file(format!("{id}.html").into());
        Outcome {
            document,
            report_id: id.into(),
            result: Ok(report),
            narrative: Default::default(),
        }
    }

    fn read(dir: &Path, name: &str) -> DataFrame {
        ParquetReader::new(File::open(dir.join(format!("{name}.parquet"))).unwrap())
            .finish()
            .unwrap()
    }

    #[test]
    fn hand_made_reports_become_the_tables() {
        let dir = tempfile::tempdir().unwrap();
        let mut collector = Collector::create(&Output {
            dir: dir.path(),
            format: Format::Parquet,
        })
        .unwrap();
        let failed = Outcome {
            document: Document::file("bad.docx".into()),
            report_id: "bad".into(),
            result: Err(crate::extract::Failure {
                message: "bad.docx: not a zip".into(),
                kind: "broken",
            }),
            narrative: Default::default(),
        };
        collector
            .add(vec![
                ok("a", report("a", "淮安市洪泽区人民政府", 2023, 0, 4)),
                failed,
                ok("b", report("b", "洪泽区人民政府", 2024, 5, 0)),
            ])
            .unwrap();
        collector
            .add(vec![ok("b", report("b", "洪泽区人民政府", 2024, 5, 0))])
            .unwrap();
        let summary = collector.finish().unwrap();
        assert_eq!(
            (
                summary.documents,
                summary.ok,
                summary.failed,
                summary.duplicates
            ),
            (4, 3, 1, 1)
        );
        assert_eq!(summary.cells, 400);
        assert_eq!(
            summary.failed_checks, 1,
            "X3.1: 4 carried forward, 5 carried over"
        );

        let reports = read(dir.path(), "reports");
        assert_eq!(reports.height(), 4);
        let col = |name: &str| {
            reports
                .column(name)
                .unwrap()
                .as_materialized_series()
                .clone()
        };
        assert_eq!(
            col("error").str().unwrap().get(1),
            Some("bad.docx: not a zip")
        );
        assert_eq!(
            col("agency_normalized").str().unwrap().get(0),
            Some("洪泽区人民政府")
        );
        assert_eq!(col("duplicate_of").str().unwrap().get(3), Some("b"));
        assert_eq!(
            col("duplicate_kind").str().unwrap().get(3),
            Some("same_bytes")
        );
        assert_eq!(col("n_checks_failed").u32().unwrap().get(2), Some(1));
        assert_eq!(col("n_checks").u32().unwrap().get(1), None);
        assert_eq!(col("warnings").str().unwrap().get(0), Some("one\ntwo"));

        let cells = read(dir.path(), "cells");
        assert_eq!(cells.height(), 400);
        let row = |key: &str| {
            let keys = cells.column("key").unwrap().str().unwrap().clone();
            (0..cells.height())
                .find(|&i| keys.get(i) == Some(key))
                .unwrap()
        };
        let int = cells.column("value_int").unwrap().i64().unwrap().clone();
        let dec = cells
            .column("value_decimal")
            .unwrap()
            .f64()
            .unwrap()
            .clone();
        let status = cells.column("status").unwrap().str().unwrap().clone();
        let blank = row("table3.new_received.natural_person");
        assert_eq!(
            (int.get(blank), status.get(blank)),
            (None, Some("blank")),
            "a blank is not a zero"
        );
        let zero = row("table3.new_received.total");
        assert_eq!((int.get(zero), status.get(zero)), (Some(0), Some("number")));
        let fee = row("table2.art20_8.admin_fees.amount_wan_yuan");
        assert_eq!((int.get(fee), dec.get(fee)), (None, Some(18651.06)));
        let value = cells.column("value").unwrap().f64().unwrap().clone();
        assert_eq!(
            (value.get(fee), value.get(zero), value.get(blank)),
            (Some(18651.06), Some(0.0), None),
            "value: every number, counts and amounts alike"
        );
        let over = row("table3.carried_over.total");
        assert_eq!((int.get(over), value.get(over)), (Some(0), Some(0.0)));
        assert_eq!(
            cells.column("table").unwrap().i32().unwrap().get(fee),
            Some(2)
        );

        let checks = read(dir.path(), "checks");
        let rules = checks.column("rule").unwrap().str().unwrap().clone();
        assert_eq!(checks.height(), 2 + 1);
        assert_eq!(rules.get(2), Some("X3.1"));
        assert_eq!(
            checks.column("report_id").unwrap().str().unwrap().get(2),
            Some("b")
        );

        let wide = read(dir.path(), "wide");
        assert_eq!(
            wide.height(),
            2,
            "no failed document, no byte-identical copy"
        );
        assert_eq!(wide.width(), 6 + nianbao_schema::all_keys().len());
        let fees = wide
            .column("table2.art20_8.admin_fees.amount_wan_yuan")
            .unwrap();
        assert_eq!(fees.dtype(), &DataType::Float64);
        let received = wide.column("table3.new_received.natural_person").unwrap();
        assert_eq!(
            (received.dtype(), received.null_count()),
            (&DataType::Int64, 2)
        );
        assert_eq!(
            wide.column("table3.carried_over.total")
                .unwrap()
                .i64()
                .unwrap()
                .get(1),
            Some(5)
        );
    }

    #[test]
    fn the_prose_is_checked_against_the_table() {
        use nianbao_extract::{Base, Measure, Narrative, Section, Statement, Unit};
        let dir = tempfile::tempdir().unwrap();
        let mut collector = Collector::create(&Output {
            dir: dir.path(),
            format: Format::Parquet,
        })
        .unwrap();
        let statement = |measure, value: f64, text: &str| Statement {
            measure,
            value,
            unit: Unit::Count,
            text: text.into(),
            sentence: format!("本年度{text}。"),
        };
        let mut outcome = ok("a", report("a", "淮安市洪泽区人民政府", 2024, 0, 4));
        outcome.narrative = Narrative {
            statements: vec![
                statement(Measure::NewReceived, 17.0, "受理申请17件"),
                statement(Measure::CarriedForward, 0.0, "所有申请均已办结"),
                statement(
                    Measure::ProactivePublished,
                    2428.0,
                    "主动公开政府信息2428条",
                ),
                Statement {
                    unit: Unit::Percent {
                        base: Base::Unclear,
                        decimals: 0,
                    },
                    ..statement(Measure::Granted, 50.0, "予以公开1件，占申请总数的50%")
                },
            ],
            sections: Section::ALL[..4].to_vec(),
        };
        collector.add(vec![outcome]).unwrap();
        let summary = collector.finish().unwrap();
        assert_eq!(
            summary.failed_checks, 2,
            "17 against 0 received, 0 against 4 carried"
        );

        let checks = read(dir.path(), "checks");
        let rules: Vec<_> = checks
            .column("rule")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(
            rules,
            [
                Some("R3.1"),
                Some("N3.new_received"),
                Some("N3.carried_forward")
            ]
        );
        let facts = read(dir.path(), "facts");
        assert_eq!(facts.height(), 4);
        let strings = |name: &str| -> Vec<Option<String>> {
            facts
                .column(name)
                .unwrap()
                .str()
                .unwrap()
                .iter()
                .map(|s| s.map(str::to_string))
                .collect()
        };
        let unit = strings("unit");
        assert_eq!(unit[2].as_deref(), Some("count"));
        assert_eq!(unit[3].as_deref(), Some("percent"));
        let base = strings("base");
        assert_eq!(
            (base[0].as_deref(), base[3].as_deref()),
            (None, Some("unclear"))
        );
        assert_eq!(strings("rule")[3], None, "an unclear base is not checked");
        let agrees: Vec<_> = facts
            .column("agrees")
            .unwrap()
            .bool()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(agrees, [Some(false), Some(false), None, None]);
        let table: Vec<_> = facts
            .column("table_value")
            .unwrap()
            .i64()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(table[..3], [Some(0), Some(4), None]);

        let reports = read(dir.path(), "reports");
        let text = |name: &str| {
            reports
                .column(name)
                .unwrap()
                .str()
                .unwrap()
                .get(0)
                .map(str::to_string)
        };
        assert_eq!(text("sections_missing").as_deref(), Some("5,6"));
        assert_eq!(text("agency_kind").as_deref(), Some("government"));
        assert_eq!(text("deadline").as_deref(), Some("2025-03-31"));
        assert_eq!(text("region_code").as_deref(), Some("320813"));
        assert_eq!(
            reports
                .column("n_checks_failed")
                .unwrap()
                .u32()
                .unwrap()
                .get(0),
            Some(2)
        );
        let panel = read(dir.path(), "panel");
        assert_eq!(panel.height(), 1);
        assert_eq!(
            panel
                .column("carried_forward")
                .unwrap()
                .i64()
                .unwrap()
                .get(0),
            Some(4)
        );
    }

    #[test]
    fn the_same_report_in_another_form_is_flagged_and_kept_out_of_x3_1() {
        let dir = tempfile::tempdir().unwrap();
        let mut collector = Collector::create(&Output {
            dir: dir.path(),
            format: Format::Csv,
        })
        .unwrap();
        let mut docx = report("d", "洪泽区人民政府", 2024, 5, 0);
        docx.source.format = "docx".into();
        collector
            .add(vec![
                ok("a", report("a", "洪泽区人民政府", 2023, 0, 5)),
                ok("h", report("h", "洪泽区人民政府", 2024, 5, 0)),
                ok("d", docx),
            ])
            .unwrap();
        let summary = collector.finish().unwrap();
        assert_eq!((summary.duplicates, summary.failed_checks), (1, 0));
        let reports = std::fs::read_to_string(dir.path().join("reports.csv")).unwrap();
        assert!(
            reports.starts_with("\u{feff}report_id,source_path,"),
            "{reports}"
        );
        let last = reports.lines().last().unwrap();
        assert!(last.contains(",h,same_cells,"), "{last}");
        let checks = std::fs::read_to_string(dir.path().join("checks.csv")).unwrap();
        assert_eq!(
            checks.lines().filter(|l| l.contains("X3.1")).count(),
            1,
            "{checks}"
        );
    }
}
