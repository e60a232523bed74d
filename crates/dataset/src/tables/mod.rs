//! The output tables as column buffers. Each table owns its column names and types (the
//! contract documented in the README) and turns its buffered rows into a polars `DataFrame`.

pub mod cells;
pub mod checks;
pub mod facts;
pub mod panel;
pub mod reports;
pub mod wide;

use std::collections::HashMap;
use std::sync::OnceLock;

use nianbao_schema::{all_keys, KeySpec, Number, ValueKind};
use polars::prelude::*;

pub use cells::CellsTable;
pub use checks::ChecksTable;
pub use facts::FactsTable;
pub use panel::PanelTable;
pub use reports::ReportsTable;
pub use wide::WideTable;

/// A table's buffered rows, written a row group at a time.
pub trait Rows: Default {
    /// Rows per row group: the buffer is written when it holds this many. A group costs a fixed
    /// amount per column to encode; a larger one costs more memory.
    const ROW_GROUP: usize;
    /// Rows buffered.
    fn rows(&self) -> usize;
    /// The buffered rows as a frame; the buffer is left empty.
    fn take_frame(&mut self) -> PolarsResult<DataFrame>;
}

/// A canonical key's position in `keys.tsv` (and in the wide table) and its spec.
pub fn key_index(key: &str) -> Option<(usize, &'static KeySpec)> {
    static INDEX: OnceLock<HashMap<&'static str, usize>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        all_keys()
            .iter()
            .enumerate()
            .map(|(i, k)| (k.key.as_str(), i))
            .collect()
    });
    index.get(key).map(|&i| (i, &all_keys()[i]))
}

/// Finds the canonical keys of one report's cells, which come in `keys.tsv` order: each lookup
/// first tries the key after the one found last, then the index.
#[derive(Default)]
pub struct KeyCursor {
    next: usize,
}

impl KeyCursor {
    /// The position and spec of `key` (see [`key_index`]).
    pub fn find(&mut self, key: &str) -> Option<(usize, &'static KeySpec)> {
        let keys = all_keys();
        let i = match keys.get(self.next) {
            Some(spec) if spec.key == key => self.next,
            _ => key_index(key)?.0,
        };
        self.next = i + 1;
        Some((i, &keys[i]))
    }
}

/// Splits a value into (`value_int`, `value_decimal`): an amount is a decimal; a count is an
/// integer, unless it was printed with a fraction (kept as the decimal printed). Keys that are not
/// canonical keep the number's own type.
pub fn split_value(kind: Option<ValueKind>, value: Option<Number>) -> (Option<i64>, Option<f64>) {
    match (kind, value) {
        (_, None) => (None, None),
        (Some(ValueKind::Amount), Some(n)) => (None, Some(n.as_f64())),
        (_, Some(Number::Int(i))) => (Some(i), None),
        (Some(_), Some(Number::Decimal(d))) if d.fract() == 0.0 && d.abs() < 9.0e15 => {
            (Some(d as i64), None)
        }
        (_, Some(Number::Decimal(d))) => (None, Some(d)),
    }
}

/// A named column from a vector of values.
fn column<T, V>(name: &str, values: V) -> Column
where
    T: ?Sized,
    Series: NamedFrom<V, T>,
{
    Column::from(Series::new(name.into(), values))
}

/// A frame from columns of equal length `height`.
fn frame(height: usize, columns: Vec<Column>) -> PolarsResult<DataFrame> {
    DataFrame::new(height, columns)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_stay_integers_and_amounts_decimals() {
        let count = Some(ValueKind::Count);
        let amount = Some(ValueKind::Amount);
        assert_eq!(split_value(count, Some(Number::Int(7))), (Some(7), None));
        assert_eq!(
            split_value(count, Some(Number::Decimal(7.0))),
            (Some(7), None)
        );
        assert_eq!(
            split_value(count, Some(Number::Decimal(7.5))),
            (None, Some(7.5))
        );
        assert_eq!(split_value(amount, Some(Number::Int(3))), (None, Some(3.0)));
        assert_eq!(
            split_value(amount, Some(Number::Decimal(18651.06))),
            (None, Some(18651.06))
        );
        assert_eq!(
            split_value(None, Some(Number::Decimal(1.0))),
            (None, Some(1.0))
        );
        assert_eq!(split_value(count, None), (None, None));
    }

    #[test]
    fn every_canonical_key_has_an_index() {
        for (i, spec) in all_keys().iter().enumerate() {
            assert_eq!(key_index(&spec.key).map(|(j, _)| j), Some(i));
        }
        assert!(key_index("table9.nothing").is_none());
    }

    #[test]
    fn the_cursor_finds_keys_in_and_out_of_order() {
        let keys = all_keys();
        let mut cursor = KeyCursor::default();
        for (i, spec) in keys.iter().enumerate().skip(3).take(5) {
            assert_eq!(cursor.find(&spec.key).map(|(j, _)| j), Some(i));
        }
        assert_eq!(cursor.find(&keys[1].key).map(|(j, _)| j), Some(1));
        assert_eq!(cursor.find(&keys[2].key).map(|(j, _)| j), Some(2));
        assert!(cursor.find("table9.nothing").is_none());
        assert_eq!(cursor.find(&keys[3].key).map(|(j, _)| j), Some(3));
    }
}
