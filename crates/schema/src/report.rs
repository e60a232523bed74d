//! The extracted report: source, metadata, canonical cells, checks and warnings. Its serde form is
//! the `extract --format json` contract of `SCHEMA.md`.

use serde::{Deserialize, Serialize};

/// Where a report came from.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Source {
    /// The path (or URL) the bytes were read from.
    pub path: String,
    /// Hex sha256 of the source bytes: the stable report id.
    pub sha256: String,
    /// The detected input format: `html`, `docx`, `text`, `markdown`, `pdf`, `doc`, `ofd`, …
    pub format: String,
    /// The character encoding the text was decoded from, when it was text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
}

/// What the report says about itself.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Meta {
    /// The report's title.
    pub title: Option<String>,
    /// The publishing agency.
    pub agency: Option<String>,
    /// The year reported on (not the year of publication).
    pub year: Option<i32>,
    /// `"2019"`, `"2021"`, or null when no standard table was found.
    pub template: Option<String>,
    /// The publication date, `YYYY-MM-DD`.
    pub published: Option<String>,
}

/// How a cell was printed.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// A number was printed.
    Number,
    /// The cell was printed empty.
    Blank,
    /// The cell was printed as a dash, slash, 无 or similar.
    Dash,
    /// The cell could not be found in the document.
    Missing,
    /// More than one reading fits; the candidates are listed.
    Ambiguous,
}

impl Status {
    /// The lowercase name used in JSON, CSV and Parquet.
    pub fn name(self) -> &'static str {
        match self {
            Status::Number => "number",
            Status::Blank => "blank",
            Status::Dash => "dash",
            Status::Missing => "missing",
            Status::Ambiguous => "ambiguous",
        }
    }
}

/// A printed number: integers stay integers, amounts are decimals.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Number {
    /// A count (possibly signed).
    Int(i64),
    /// A decimal amount.
    Decimal(f64),
}

impl Number {
    /// The value as f64 (for checks and sums).
    pub fn as_f64(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Decimal(d) => d,
        }
    }
}

/// One canonical cell of the report.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Cell {
    /// The canonical key.
    pub key: String,
    /// The printed value; null for blank, dash, missing and ambiguous cells.
    pub value: Option<Number>,
    /// How the cell was printed.
    pub status: Status,
    /// The cell's text as it stood in the document, after decoding.
    pub raw: Option<String>,
    /// For ambiguous cells: the values that fit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<Number>,
    /// The unit printed inside the cell, when there was one (e.g. `元`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

impl Cell {
    /// A cell that was not found in the document.
    pub fn missing(key: &str) -> Cell {
        Cell {
            key: key.to_string(),
            value: None,
            status: Status::Missing,
            raw: None,
            candidates: Vec::new(),
            unit: None,
        }
    }
}

/// The outcome of one consistency check.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Check {
    /// The rule id (`R3.1`, `R3.2`, `R3.3`, `R4.1`, …).
    pub rule: String,
    /// What the rule was applied to (a column, a row or a group).
    pub scope: String,
    /// Whether it held.
    pub passed: bool,
    /// The arithmetic, for a person to verify.
    pub detail: String,
}

/// One extracted report.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Report {
    /// Where it came from.
    pub source: Source,
    /// What it says about itself.
    pub report: Meta,
    /// Every key of the detected template, in `keys.tsv` order.
    pub cells: Vec<Cell>,
    /// The consistency checks.
    pub checks: Vec<Check>,
    /// Everything unusual, for a person to read.
    pub warnings: Vec<String>,
}

impl Report {
    /// The cell with this key, if present.
    pub fn cell(&self, key: &str) -> Option<&Cell> {
        self.cells.iter().find(|c| c.key == key)
    }

    /// The number of checks that failed.
    pub fn failed_checks(&self) -> usize {
        self.checks.iter().filter(|c| !c.passed).count()
    }
}
