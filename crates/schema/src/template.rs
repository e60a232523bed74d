//! The two national templates as data: every canonical key with its row, column and value kind,
//! read once from the embedded `keys.tsv` (the project's copy of `shared/schema/keys.tsv`).

use std::collections::HashMap;
use std::sync::OnceLock;

/// One of the national table formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Template {
    /// 国办公开办函〔2019〕60号, used for the 2019 and 2020 reports.
    V2019,
    /// 国办公开办函〔2021〕30号, used from the 2021 reports on.
    V2021,
}

impl Template {
    /// The name used in JSON and Parquet: `"2019"` or `"2021"`.
    pub fn name(self) -> &'static str {
        match self {
            Template::V2019 => "2019",
            Template::V2021 => "2021",
        }
    }

    /// Parses `"2019"` / `"2021"`.
    pub fn from_name(name: &str) -> Option<Template> {
        match name {
            "2019" => Some(Template::V2019),
            "2021" => Some(Template::V2021),
            _ => None,
        }
    }

    /// Every key of this template, in `keys.tsv` order.
    pub fn keys(self) -> impl Iterator<Item = &'static KeySpec> {
        self.key_list().iter().copied()
    }

    fn key_list(self) -> &'static [&'static KeySpec] {
        static V2019: OnceLock<Vec<&'static KeySpec>> = OnceLock::new();
        static V2021: OnceLock<Vec<&'static KeySpec>> = OnceLock::new();
        let cell = match self {
            Template::V2019 => &V2019,
            Template::V2021 => &V2021,
        };
        cell.get_or_init(|| all_keys().iter().filter(|k| k.belongs_to(self)).collect())
    }

    /// The rows of this template (keys grouped by their row path), in printed order.
    pub fn rows(self) -> &'static [RowSpec] {
        static V2019: OnceLock<Vec<RowSpec>> = OnceLock::new();
        static V2021: OnceLock<Vec<RowSpec>> = OnceLock::new();
        let cell = match self {
            Template::V2019 => &V2019,
            Template::V2021 => &V2021,
        };
        cell.get_or_init(|| group_rows(self.keys()))
    }
}

/// What a cell holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// A non-negative count.
    Count,
    /// A count that may be negative (本年增/减).
    SignedCount,
    /// A decimal amount (万元, or the unit printed in the cell).
    Amount,
}

/// One canonical cell key and what the national format prints for it.
#[derive(Debug, Clone, PartialEq)]
pub struct KeySpec {
    /// The key's position in [`all_keys`] (`keys.tsv` order).
    pub index: usize,
    /// The canonical key, e.g. `table3.new_received.natural_person`.
    pub key: String,
    /// `"2019"`, `"2021"` or `"both"`.
    pub templates: String,
    /// The table caption path as printed.
    pub table: String,
    /// The row label path as printed.
    pub row_label: String,
    /// The column label as printed.
    pub column_label: String,
    /// The value kind.
    pub kind: ValueKind,
}

impl KeySpec {
    /// Whether this key is part of `template`.
    pub fn belongs_to(&self, template: Template) -> bool {
        self.templates == "both" || self.templates == template.name()
    }

    /// The table number (2, 3 or 4).
    pub fn table_number(&self) -> u8 {
        match self.key.as_bytes().get(5) {
            Some(b'2') => 2,
            Some(b'3') => 3,
            _ => 4,
        }
    }

    /// The key without its last segment (the row path), e.g. `table3.new_received`.
    pub fn row_path(&self) -> &str {
        self.key.rsplit_once('.').map_or(&self.key, |(row, _)| row)
    }

    /// The last segment of the key (the column), e.g. `natural_person`.
    pub fn column(&self) -> &str {
        self.key.rsplit_once('.').map_or(&self.key, |(_, col)| col)
    }
}

/// A printed row of a template: its row path and its value columns, left to right.
#[derive(Debug, Clone)]
pub struct RowSpec {
    /// The row path shared by the keys, e.g. `table3.result.granted`.
    pub path: &'static str,
    /// The keys of the row's value cells, left to right.
    pub columns: Vec<&'static KeySpec>,
}

fn group_rows<'a>(keys: impl Iterator<Item = &'a KeySpec>) -> Vec<RowSpec>
where
    'a: 'static,
{
    let mut rows: Vec<RowSpec> = Vec::new();
    for k in keys {
        match rows.last_mut() {
            Some(row) if row.path == k.row_path() => row.columns.push(k),
            _ => rows.push(RowSpec {
                path: k.row_path(),
                columns: vec![k],
            }),
        }
    }
    rows
}

/// Every key of both templates, in `keys.tsv` order.
pub fn all_keys() -> &'static [KeySpec] {
    static KEYS: OnceLock<Vec<KeySpec>> = OnceLock::new();
    KEYS.get_or_init(|| parse_keys(include_str!("../data/keys.tsv")))
}

/// The spec of one key, if it is canonical (a hash lookup: renderers call it for every cell).
pub fn key_spec(key: &str) -> Option<&'static KeySpec> {
    static INDEX: OnceLock<HashMap<&'static str, &'static KeySpec>> = OnceLock::new();
    INDEX
        .get_or_init(|| all_keys().iter().map(|k| (k.key.as_str(), k)).collect())
        .get(key)
        .copied()
}

fn parse_keys(tsv: &str) -> Vec<KeySpec> {
    tsv.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(index, line)| {
            let f: Vec<&str> = line.split('\t').collect();
            let kind = match f.get(5).copied().unwrap_or("int") {
                t if t.starts_with("signed") => ValueKind::SignedCount,
                t if t.starts_with("decimal") => ValueKind::Amount,
                _ => ValueKind::Count,
            };
            KeySpec {
                index,
                key: f[0].to_string(),
                templates: f[1].to_string(),
                table: f[2].to_string(),
                row_label: f[3].to_string(),
                column_label: f[4].to_string(),
                kind,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_sizes_match_the_schema() {
        assert_eq!(Template::V2021.keys().count(), 200);
        assert_eq!(Template::V2019.keys().count(), 198);
        assert_eq!(Template::V2021.rows().len(), 6 + 25 + 3);
        assert_eq!(Template::V2019.rows().len(), 8 + 23 + 3);
    }

    #[test]
    fn kinds_come_from_the_type_column() {
        let change = key_spec("table2.art20_5.licensing.yearly_change").unwrap();
        assert_eq!(change.kind, ValueKind::SignedCount);
        let fees = key_spec("table2.art20_8.admin_fees.amount_wan_yuan").unwrap();
        assert_eq!(fees.kind, ValueKind::Amount);
        assert_eq!(fees.table_number(), 2);
        let t3 = key_spec("table3.result.denied.state_secret.total").unwrap();
        assert_eq!(t3.row_path(), "table3.result.denied.state_secret");
        assert_eq!(t3.column(), "total");
        assert!(all_keys().iter().enumerate().all(|(i, k)| k.index == i));
    }
}
