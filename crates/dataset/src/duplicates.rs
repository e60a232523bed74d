//! Duplicate reports: the first document (in output order) is the original; a later one is its
//! duplicate when it has the same bytes, or when it is the same report in another form (the HTML
//! page and its DOCX attachment): same template, same year, and identical cells (key, status,
//! value), with agencies that do not disagree. A report without a number is never matched by its
//! cells (all empty tables look alike).

use std::collections::HashMap;

use nianbao_schema::{Number, Report, Status};
use sha2::{Digest, Sha256};

use crate::tables::KeyCursor;

/// Why a report is a duplicate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The same bytes as the original (the same `report_id`).
    SameBytes,
    /// Other bytes, the same cells.
    SameCells,
}

impl Kind {
    /// The name stored in `reports.duplicate_kind`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::SameBytes => "same_bytes",
            Kind::SameCells => "same_cells",
        }
    }
}

/// The reports seen so far, by id and by cell fingerprint.
#[derive(Default)]
pub struct Duplicates {
    /// The SHA-256 of each id: 32 bytes a document, which a run keeps for every one.
    ids: std::collections::HashSet<[u8; 32]>,
    cells: HashMap<[u8; 32], Vec<(String, Option<String>)>>,
    /// The bytes of the last fingerprint, kept for the next one's (see [`fingerprint`]).
    scratch: Vec<u8>,
}

impl Duplicates {
    /// Records a report and says which earlier report (by id) it duplicates, if any.
    pub fn check(
        &mut self,
        report_id: &str,
        report: Option<&Report>,
        agency: Option<&str>,
    ) -> Option<(String, Kind)> {
        if !self.ids.insert(Sha256::digest(report_id.as_bytes()).into()) {
            return Some((report_id.to_string(), Kind::SameBytes));
        }
        let fingerprint = fingerprint(report?, &mut self.scratch)?;
        let seen = self.cells.entry(fingerprint).or_default();
        let agrees = |other: &Option<String>| match (other.as_deref(), agency) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
        if let Some((original, _)) = seen.iter().find(|(_, other)| agrees(other)) {
            return Some((original.clone(), Kind::SameCells));
        }
        seen.push((report_id.to_string(), agency.map(str::to_string)));
        None
    }
}

/// A hash of the template, year and every cell's key, status and value; `None` when the report
/// has no template or no number. The bytes are gathered in `bytes` and hashed at once (a hash
/// update per field cost more than the hashing).
fn fingerprint(report: &Report, bytes: &mut Vec<u8>) -> Option<[u8; 32]> {
    let template = report.report.template.as_deref()?;
    if !report.cells.iter().any(|c| c.status == Status::Number) {
        return None;
    }
    bytes.clear();
    bytes.extend_from_slice(template.as_bytes());
    bytes.extend_from_slice(&report.report.year.unwrap_or(0).to_le_bytes());
    let mut keys = KeyCursor::default();
    for cell in &report.cells {
        // A canonical key by its position (fewer bytes to hash), another by its text.
        match keys.find(&cell.key) {
            Some((i, _)) => {
                bytes.push(1);
                bytes.extend_from_slice(&(i as u32).to_le_bytes());
            }
            None => {
                bytes.push(2);
                bytes.extend_from_slice(&(cell.key.len() as u32).to_le_bytes());
                bytes.extend_from_slice(cell.key.as_bytes());
            }
        }
        bytes.push(cell.status as u8);
        let value = match cell.value {
            Some(Number::Int(i)) => (i as f64).to_le_bytes(),
            Some(Number::Decimal(d)) => d.to_le_bytes(),
            None => [0xff; 8],
        };
        bytes.extend_from_slice(&value);
    }
    Some(Sha256::digest(&bytes[..]).into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use nianbao_schema::{Cell, Meta};

    fn report(value: i64, raw: &str) -> Report {
        let cell = Cell {
            key: "table3.new_received.total".into(),
            value: Some(Number::Int(value)),
            status: Status::Number,
            raw: Some(raw.into()),
            candidates: vec![],
            unit: None,
        };
        Report {
            report: Meta {
                template: Some("2021".into()),
                year: Some(2021),
                ..Meta::default()
            },
            cells: vec![cell],
            ..Report::default()
        }
    }

    #[test]
    fn same_bytes_then_same_cells_then_different() {
        let mut d = Duplicates::default();
        assert_eq!(d.check("a", Some(&report(5, "5")), Some("X局")), None);
        assert_eq!(
            d.check("a", Some(&report(5, "5")), Some("X局")),
            Some(("a".into(), Kind::SameBytes))
        );
        assert_eq!(
            d.check("b", Some(&report(5, " 5 ")), None),
            Some(("a".into(), Kind::SameCells))
        );
        assert_eq!(d.check("c", Some(&report(5, "5")), Some("Y局")), None);
        assert_eq!(d.check("d", Some(&report(6, "6")), Some("X局")), None);
        assert_eq!(d.check("e", None, None), None);
    }

    #[test]
    fn reports_without_numbers_are_not_matched_by_cells() {
        let mut d = Duplicates::default();
        let empty = Report {
            report: Meta {
                template: Some("2021".into()),
                ..Meta::default()
            },
            ..Report::default()
        };
        assert_eq!(d.check("a", Some(&empty), None), None);
        assert_eq!(d.check("b", Some(&empty), None), None);
    }
}
