//! Cells read from a scan carry the recognition engine's confidence. A cell below
//! [`LOW_CONFIDENCE`] is named in a warning; a failed check over scanned cells names them; and
//! where exactly one low-confidence cell of a failed check can restore it, the value that would
//! is given as a candidate in the warning — never written into the cell (printed values are
//! never "corrected").

use std::collections::HashMap;

use nianbao_schema::checks::{equations, operand};
use nianbao_schema::{Cell, Check};

/// Below this confidence (0 to 1) a scanned cell is flagged.
pub const LOW_CONFIDENCE: f32 = 0.8;

/// The warnings about the scanned cells of a report (`confidence`: by key; empty for a
/// document that was not scanned) and the checks run on it.
pub fn warnings(cells: &[Cell], checks: &[Check], confidence: &[(String, f32)]) -> Vec<String> {
    let mut out = Vec::new();
    if confidence.is_empty() {
        return out;
    }
    let sure: HashMap<&str, f32> = confidence.iter().map(|(k, c)| (k.as_str(), *c)).collect();
    for (key, c) in confidence {
        if *c < LOW_CONFIDENCE {
            out.push(format!(
                "{key}: read from a scan with confidence {c:.2} (below {LOW_CONFIDENCE:.2}); check it against the page"
            ));
        }
    }
    let by_key: HashMap<&str, &Cell> = cells.iter().map(|c| (c.key.as_str(), c)).collect();
    let single_other = by_key.contains_key("table3.result.other.total.total");
    let failed = |rule: &str, scope: &str| {
        checks
            .iter()
            .any(|c| !c.passed && c.rule == rule && c.scope == scope)
    };
    for eq in equations(cells.iter().map(|c| c.key.as_str()), single_other) {
        if !failed(eq.rule, &eq.scope) {
            continue;
        }
        let value = |k: &String| by_key.get(k.as_str()).and_then(|c| operand(c));
        let sum = |keys: &[String]| -> Option<f64> {
            keys.iter().map(|k| value(k).map(|o| o.value)).sum()
        };
        let (Some(lhs), Some(rhs)) = (sum(&eq.lhs), sum(&eq.rhs)) else {
            continue;
        };
        let scanned: Vec<(&String, f32, bool)> = eq
            .lhs
            .iter()
            .map(|k| (k, true))
            .chain(eq.rhs.iter().map(|k| (k, false)))
            .filter_map(|(k, left)| sure.get(k.as_str()).map(|&c| (k, c, left)))
            .collect();
        if scanned.is_empty() {
            continue;
        }
        let low: Vec<&(&String, f32, bool)> =
            scanned.iter().filter(|s| s.1 < LOW_CONFIDENCE).collect();
        if let [(key, c, left)] = low[..] {
            let printed = value(key).map_or(0.0, |o| o.value);
            // The value that balances the equation with every other cell as printed.
            let restoring = if *left {
                rhs - (lhs - printed)
            } else {
                lhs - (rhs - printed)
            };
            if restoring >= 0.0 && restoring.fract() == 0.0 {
                out.push(format!(
                    "{} {} fails ({lhs} ≠ {rhs}) on cells read from a scan; {key} (confidence {c:.2}) would restore it as {restoring} instead of {printed}: a candidate to check against the page, not applied",
                    eq.rule, eq.scope
                ));
                continue;
            }
        }
        let mut named = scanned.clone();
        named.sort_by(|a, b| a.1.total_cmp(&b.1));
        let names: Vec<String> = named
            .iter()
            .take(3)
            .map(|(k, c, _)| format!("{k} ({c:.2})"))
            .collect();
        out.push(format!(
            "{} {} fails ({lhs} ≠ {rhs}) on cells read from a scan; the least sure: {}",
            eq.rule,
            eq.scope,
            names.join(", ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use nianbao_schema::{Number, Status};

    fn cell(key: &str, value: u32) -> Cell {
        Cell {
            key: key.to_string(),
            value: Some(Number::Int(i64::from(value))),
            status: Status::Number,
            raw: Some(value.to_string()),
            candidates: Vec::new(),
            unit: None,
        }
    }

    #[test]
    fn one_unsure_cell_of_a_failed_sum_gets_a_candidate_but_keeps_its_value() {
        let row = "table4.admin_review";
        let cells: Vec<Cell> = [
            ("upheld", 1),
            ("corrected", 8),
            ("other_result", 0),
            ("pending", 0),
            ("total", 4),
        ]
        .iter()
        .map(|(c, v)| cell(&format!("{row}.{c}"), *v))
        .collect();
        let confidence: Vec<(String, f32)> = cells
            .iter()
            .map(|c| {
                (
                    c.key.clone(),
                    if c.key.ends_with("corrected") {
                        0.5
                    } else {
                        0.95
                    },
                )
            })
            .collect();
        let checks = nianbao_schema::run_checks(&cells);
        let w = warnings(&cells, &checks, &confidence);
        assert!(
            w.iter().any(|w| w.starts_with(
                "table4.admin_review.corrected: read from a scan with confidence 0.50"
            )),
            "{w:?}"
        );
        assert!(
            w.iter()
                .any(|w| w.contains("would restore it as 3 instead of 8")),
            "{w:?}"
        );
        assert!(warnings(&cells, &checks, &[]).is_empty());
    }
}
