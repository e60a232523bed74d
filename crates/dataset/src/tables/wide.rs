//! `wide`: one row per extracted report (failed documents and byte-identical copies left out), one
//! column per canonical key of both templates in `keys.tsv` order: Int64 for counts, Float64 for
//! amounts. Only printed numbers appear; blank, dash, missing and ambiguous cells are null here
//! (`cells.status` tells them apart).

use std::mem::take;

use nianbao_schema::{all_keys, Report, ValueKind};
use polars::prelude::*;

use super::{column, frame, split_value, KeyCursor, Rows};

enum Values {
    Int(Vec<Option<i64>>),
    Decimal(Vec<Option<f64>>),
}

/// Buffered rows of `wide`.
pub struct WideTable {
    report_id: Vec<String>,
    agency: Vec<Option<String>>,
    agency_normalized: Vec<Option<String>>,
    year: Vec<Option<i32>>,
    template: Vec<Option<String>>,
    duplicate_of: Vec<Option<String>>,
    keys: Vec<Values>,
}

impl Default for WideTable {
    fn default() -> Self {
        let keys = all_keys()
            .iter()
            .map(|k| match k.kind {
                ValueKind::Amount => Values::Decimal(Vec::new()),
                ValueKind::Count | ValueKind::SignedCount => Values::Int(Vec::new()),
            })
            .collect();
        WideTable {
            report_id: Vec::new(),
            agency: Vec::new(),
            agency_normalized: Vec::new(),
            year: Vec::new(),
            template: Vec::new(),
            duplicate_of: Vec::new(),
            keys,
        }
    }
}

impl WideTable {
    /// Adds the row of one report.
    pub fn push(
        &mut self,
        report_id: &str,
        report: &Report,
        agency_normalized: Option<&str>,
        duplicate_of: Option<&str>,
    ) {
        self.report_id.push(report_id.to_string());
        self.agency.push(report.report.agency.clone());
        self.agency_normalized
            .push(agency_normalized.map(str::to_string));
        self.year.push(report.report.year);
        self.template.push(report.report.template.clone());
        self.duplicate_of.push(duplicate_of.map(str::to_string));
        let mut row = vec![None; self.keys.len()];
        let mut keys = KeyCursor::default();
        for cell in &report.cells {
            if let Some((i, _)) = keys.find(&cell.key) {
                row[i] = cell.value;
            }
        }
        for ((values, spec), value) in self.keys.iter_mut().zip(all_keys()).zip(row) {
            let (int, decimal) = split_value(Some(spec.kind), value);
            match values {
                Values::Int(v) => v.push(int),
                Values::Decimal(v) => v.push(decimal),
            }
        }
    }
}

impl Rows for WideTable {
    /// Each row group costs a fixed amount for each of the 232 columns.
    const ROW_GROUP: usize = 1 << 11;

    fn rows(&self) -> usize {
        self.report_id.len()
    }

    fn take_frame(&mut self) -> PolarsResult<DataFrame> {
        let mut columns = vec![
            column("report_id", take(&mut self.report_id)),
            column("agency", take(&mut self.agency)),
            column("agency_normalized", take(&mut self.agency_normalized)),
            column("year", take(&mut self.year)),
            column("template", take(&mut self.template)),
            column("duplicate_of", take(&mut self.duplicate_of)),
        ];
        for (spec, values) in all_keys().iter().zip(&mut self.keys) {
            columns.push(match values {
                Values::Int(v) => column(&spec.key, take(v)),
                Values::Decimal(v) => column(&spec.key, take(v)),
            });
        }
        frame(columns[0].len(), columns)
    }
}
