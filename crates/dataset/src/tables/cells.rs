//! `cells`: one row per cell of every report (long form), in `keys.tsv` order within a report.
//! `value_int` / `value_decimal` keep counts and amounts typed; `value` (Float64) holds every
//! number, for analyses that want one numeric column.
//!
//! About 200 rows a report: the rows go straight into Arrow column builders (no `String` per
//! cell), sized for a row group.

use std::mem::replace;

use nianbao_schema::Cell;
use polars::prelude::*;

use super::{frame, split_value, KeyCursor, Rows};
use nianbao_schema::render::value_text;

/// Buffered rows of `cells`.
pub struct CellsTable {
    report_id: StringChunkedBuilder,
    key: StringChunkedBuilder,
    table: PrimitiveChunkedBuilder<Int32Type>,
    value_int: PrimitiveChunkedBuilder<Int64Type>,
    value_decimal: PrimitiveChunkedBuilder<Float64Type>,
    status: StringChunkedBuilder,
    raw: StringChunkedBuilder,
    unit: StringChunkedBuilder,
    candidates: StringChunkedBuilder,
    value: PrimitiveChunkedBuilder<Float64Type>,
    /// Rows buffered.
    rows: usize,
    /// A scratch buffer for the `candidates` text.
    scratch: String,
}

impl Default for CellsTable {
    fn default() -> Self {
        CellsTable::with_capacity(0)
    }
}

impl CellsTable {
    /// An empty buffer with room for `rows` rows.
    fn with_capacity(rows: usize) -> CellsTable {
        let text = |name: &str| StringChunkedBuilder::new(name.into(), rows);
        CellsTable {
            report_id: text("report_id"),
            key: text("key"),
            table: PrimitiveChunkedBuilder::new("table".into(), rows),
            value_int: PrimitiveChunkedBuilder::new("value_int".into(), rows),
            value_decimal: PrimitiveChunkedBuilder::new("value_decimal".into(), rows),
            status: text("status"),
            raw: text("raw"),
            unit: text("unit"),
            candidates: text("candidates"),
            value: PrimitiveChunkedBuilder::new("value".into(), rows),
            rows: 0,
            scratch: String::new(),
        }
    }

    /// Adds the cells of one report.
    pub fn push(&mut self, report_id: &str, cells: &[Cell]) {
        let mut keys = KeyCursor::default();
        for cell in cells {
            let spec = keys.find(&cell.key).map(|(_, spec)| spec);
            let (int, decimal) = split_value(spec.map(|s| s.kind), cell.value);
            let table = spec
                .map(|s| s.table_number())
                .or_else(|| table_of(&cell.key));
            self.report_id.append_value(report_id);
            self.key.append_value(&cell.key);
            self.table.append_option(table.map(i32::from));
            self.value_int.append_option(int);
            self.value_decimal.append_option(decimal);
            self.status.append_value(cell.status.name());
            self.raw.append_option(cell.raw.as_deref());
            self.unit.append_option(cell.unit.as_deref());
            if cell.candidates.is_empty() {
                self.candidates.append_null();
            } else {
                self.scratch.clear();
                for (i, n) in cell.candidates.iter().enumerate() {
                    if i > 0 {
                        self.scratch.push('|');
                    }
                    self.scratch.push_str(&value_text(Some(*n)));
                }
                self.candidates.append_value(&self.scratch);
            }
            self.value.append_option(cell.value.map(|v| v.as_f64()));
        }
        self.rows += cells.len();
    }
}

impl Rows for CellsTable {
    /// About 160 reports: a row group holds the dictionary of its text columns (200 keys), so
    /// smaller groups make a larger file; larger ones hold more memory.
    const ROW_GROUP: usize = 1 << 15;

    fn rows(&self) -> usize {
        self.rows
    }

    fn take_frame(&mut self) -> PolarsResult<DataFrame> {
        let rows = self.rows;
        let full = replace(self, CellsTable::with_capacity(Self::ROW_GROUP));
        frame(
            rows,
            vec![
                full.report_id.finish().into_column(),
                full.key.finish().into_column(),
                full.table.finish().into_column(),
                full.value_int.finish().into_column(),
                full.value_decimal.finish().into_column(),
                full.status.finish().into_column(),
                full.raw.finish().into_column(),
                full.unit.finish().into_column(),
                full.candidates.finish().into_column(),
                full.value.finish().into_column(),
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
