//! `cells`: one row per cell of every report (long form), in `keys.tsv` order within a report.
//! `value_int` / `value_decimal` keep counts and amounts typed; `value` (Float64) holds every
//! number, for analyses that want one numeric column.

use std::mem::take;

use nianbao_schema::Cell;
use polars::prelude::*;

use super::{column, frame, key_index, split_value};
use nianbao_schema::render::value_text;

/// Buffered rows of `cells`.
#[derive(Default)]
pub struct CellsTable {
    report_id: Vec<String>,
    key: Vec<String>,
    table: Vec<Option<i32>>,
    value_int: Vec<Option<i64>>,
    value_decimal: Vec<Option<f64>>,
    status: Vec<&'static str>,
    raw: Vec<Option<String>>,
    unit: Vec<Option<String>>,
    candidates: Vec<Option<String>>,
    value: Vec<Option<f64>>,
}

impl CellsTable {
    /// Adds the cells of one report.
    pub fn push(&mut self, report_id: &str, cells: Vec<Cell>) {
        for cell in cells {
            let spec = key_index(&cell.key).map(|(_, spec)| spec);
            let (int, decimal) = split_value(spec.map(|s| s.kind), cell.value);
            let table = spec
                .map(|s| s.table_number())
                .or_else(|| table_of(&cell.key));
            let candidates = (!cell.candidates.is_empty()).then(|| {
                cell.candidates
                    .iter()
                    .map(|n| value_text(Some(*n)))
                    .collect::<Vec<_>>()
                    .join("|")
            });
            self.report_id.push(report_id.to_string());
            self.key.push(cell.key);
            self.table.push(table.map(i32::from));
            self.value_int.push(int);
            self.value_decimal.push(decimal);
            self.status.push(cell.status.name());
            self.raw.push(cell.raw);
            self.unit.push(cell.unit);
            self.candidates.push(candidates);
            self.value.push(cell.value.map(|v| v.as_f64()));
        }
    }

    /// The buffered rows as a frame; the buffer is left empty.
    pub fn take_frame(&mut self) -> PolarsResult<DataFrame> {
        frame(
            self.report_id.len(),
            vec![
                column("report_id", take(&mut self.report_id)),
                column("key", take(&mut self.key)),
                column("table", take(&mut self.table)),
                column("value_int", take(&mut self.value_int)),
                column("value_decimal", take(&mut self.value_decimal)),
                column("status", take(&mut self.status)),
                column("raw", take(&mut self.raw)),
                column("unit", take(&mut self.unit)),
                column("candidates", take(&mut self.candidates)),
                column("value", take(&mut self.value)),
            ],
        )
    }
}

/// The table number of a key that is not canonical (`table3.…` → 3).
fn table_of(key: &str) -> Option<u8> {
    key.strip_prefix("table")?
        .chars()
        .next()?
        .to_digit(10)
        .map(|d| d as u8)
}
