//! The consistency rules (勾稽关系) of `FORMAT.md` §5, run over a report's cells and reported as
//! data. A blank or dash counts as 0 (the detail says so); a rule with a missing or ambiguous
//! operand is not run.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, OnceLock};

use crate::report::{Cell, Check, Status};

/// The seven value columns of table 三: the applicants, then `total`.
pub const TABLE3_COLUMNS: [&str; 7] = [
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "public_interest_org",
    "legal_service_org",
    "other_org",
    "total",
];

/// The six applicant columns of table 三 (all but `total`).
pub const APPLICANT_COLUMNS: &[&str] = TABLE3_COLUMNS.split_at(6).0;

/// The three groups of table 四.
pub const TABLE4_GROUPS: [&str; 3] = [
    "admin_review",
    "litigation_direct",
    "litigation_after_review",
];

/// The outcome rows of table 三 whose sum is （七）总计, except （六）.
const OUTCOME_ROWS: [&str; 18] = [
    "table3.result.granted",
    "table3.result.partially_granted",
    "table3.result.denied.state_secret",
    "table3.result.denied.prohibited_by_law",
    "table3.result.denied.three_securities_one_stability",
    "table3.result.denied.third_party_rights",
    "table3.result.denied.internal_affairs",
    "table3.result.denied.process_info",
    "table3.result.denied.enforcement_case_file",
    "table3.result.denied.administrative_query",
    "table3.result.unable.not_held",
    "table3.result.unable.needs_creation",
    "table3.result.unable.unclear_after_correction",
    "table3.result.not_processed.petition_complaint",
    "table3.result.not_processed.repeated",
    "table3.result.not_processed.publication",
    "table3.result.not_processed.excessive_requests",
    "table3.result.not_processed.confirm_or_reissue",
];

/// The three 2021 sub-rows of （六）其他处理.
const OTHER_SUBROWS: [&str; 3] = [
    "table3.result.other.no_correction",
    "table3.result.other.fee_unpaid",
    "table3.result.other.other",
];

/// A cell's value for arithmetic.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Operand {
    /// The value; a blank or dash counts as 0.
    pub value: f64,
    /// Whether the cell was printed blank or as a dash (and so counted as 0).
    pub blank: bool,
}

/// The cell's value for arithmetic, the one rule every check follows: a number is itself, a
/// blank or dash counts as 0 (and says so), a missing or ambiguous cell cannot take part
/// (`None`).
pub fn operand(cell: &Cell) -> Option<Operand> {
    match cell.status {
        Status::Number => Some(Operand {
            value: cell.value?.as_f64(),
            blank: false,
        }),
        Status::Blank | Status::Dash => Some(Operand {
            value: 0.0,
            blank: true,
        }),
        Status::Missing | Status::Ambiguous => None,
    }
}

/// One consistency rule instance: the sum of `lhs` must equal the sum of `rhs`.
#[derive(Debug, Clone, PartialEq)]
pub struct Equation {
    /// The rule id (`R3.1`, `R3.2`, `R3.3`, `R4.1`).
    pub rule: &'static str,
    /// What it applies to: a column, a row path or a table-四 group.
    pub scope: String,
    /// The keys summed on the left.
    pub lhs: Vec<String>,
    /// The keys summed on the right.
    pub rhs: Vec<String>,
}

fn key(row: &str, column: &str) -> String {
    format!("{row}.{column}")
}

/// The equations of every rule over the given keys. `single_other` says that （六）其他处理 was
/// printed as one row (`table3.result.other.total.*`) rather than as the three 2021 sub-rows.
pub fn equations<'k>(keys: impl IntoIterator<Item = &'k str>, single_other: bool) -> Vec<Equation> {
    let keys: Vec<&str> = keys.into_iter().collect();
    let mut eqs = Vec::new();
    if keys.iter().any(|k| k.starts_with("table3.")) {
        for col in TABLE3_COLUMNS {
            eqs.push(Equation {
                rule: "R3.1",
                scope: col.to_string(),
                lhs: vec![
                    key("table3.new_received", col),
                    key("table3.carried_over", col),
                ],
                rhs: vec![
                    key("table3.result_total", col),
                    key("table3.carried_forward", col),
                ],
            });
        }
        let mut rows: Vec<&str> = keys
            .iter()
            .filter(|k| k.starts_with("table3.") && k.ends_with(".total"))
            .map(|k| &k[..k.len() - ".total".len()])
            .collect();
        rows.dedup();
        for row in rows {
            if row == "table3.result.other.total" && !single_other {
                continue;
            }
            eqs.push(Equation {
                rule: "R3.2",
                scope: row.to_string(),
                lhs: APPLICANT_COLUMNS.iter().map(|c| key(row, c)).collect(),
                rhs: vec![key(row, "total")],
            });
        }
        for col in TABLE3_COLUMNS {
            let mut lhs: Vec<String> = OUTCOME_ROWS.iter().map(|r| key(r, col)).collect();
            if single_other {
                lhs.push(key("table3.result.other.total", col));
            } else {
                lhs.extend(OTHER_SUBROWS.iter().map(|r| key(r, col)));
            }
            eqs.push(Equation {
                rule: "R3.3",
                scope: col.to_string(),
                lhs,
                rhs: vec![key("table3.result_total", col)],
            });
        }
    }
    if keys.iter().any(|k| k.starts_with("table4.")) {
        for group in TABLE4_GROUPS {
            let g = format!("table4.{group}");
            eqs.push(Equation {
                rule: "R4.1",
                scope: group.to_string(),
                lhs: ["upheld", "corrected", "other_result", "pending"]
                    .iter()
                    .map(|c| key(&g, c))
                    .collect(),
                rhs: vec![key(&g, "total")],
            });
        }
    }
    eqs
}

/// Runs every rule that applies to `cells` and returns the outcomes in a stable order. R3.2 is
/// run only where the row's total is printed as a number.
pub fn run_checks(cells: &[Cell]) -> Vec<Check> {
    let printed = |key: &str| {
        cells
            .iter()
            .find(|c| c.key == key)
            .is_some_and(|c| operand(c).is_some())
    };
    let single_other = printed("table3.result.other.total.total")
        || printed("table3.result.other.total.natural_person");
    let placed = placed_equations(cells, single_other);
    let mut checks = Vec::with_capacity(placed.equations.len());
    for eq in &placed.equations {
        if eq.rule == "R3.2" && cells[eq.rhs[0]].status != Status::Number {
            continue;
        }
        if let Some(check) = evaluate(cells, eq) {
            checks.push(check);
        }
    }
    checks
}

/// An equation whose keys are positions in one list of cells.
struct PlacedEquation {
    rule: &'static str,
    scope: String,
    lhs: Vec<usize>,
    rhs: Vec<usize>,
}

/// The equations of one key list, with the list they were placed in.
struct PlacedEquations {
    keys: Vec<String>,
    equations: Vec<PlacedEquation>,
}

/// Placed equations by (hash of the key list, single （六） row).
type EquationCache = HashMap<(u64, bool), Arc<PlacedEquations>>;

/// The equations for these cells' keys, placed at the cells' positions (an equation with a key
/// absent from `cells` cannot be run and is left out). Built once per distinct key list:
/// reports of one template and layout share one.
fn placed_equations(cells: &[Cell], single_other: bool) -> Arc<PlacedEquations> {
    /// Distinct key lists kept; past it, equations are built each time.
    const MAX_CACHED: usize = 64;
    static CACHE: OnceLock<Mutex<EquationCache>> = OnceLock::new();
    let mut hasher = rustc_hash::FxHasher::default();
    for c in cells {
        c.key.hash(&mut hasher);
    }
    let id = (hasher.finish(), single_other);
    let same_keys = |p: &PlacedEquations| p.keys.iter().eq(cells.iter().map(|c| &c.key));
    let cache = CACHE.get_or_init(Default::default);
    if let Some(placed) = cache
        .lock()
        .ok()
        .and_then(|c| c.get(&id).filter(|p| same_keys(p)).cloned())
    {
        return placed;
    }
    let position: HashMap<&str, usize> = cells
        .iter()
        .enumerate()
        .map(|(i, c)| (c.key.as_str(), i))
        .collect();
    let place = |keys: &[String]| -> Option<Vec<usize>> {
        keys.iter()
            .map(|k| position.get(k.as_str()).copied())
            .collect()
    };
    let equations = equations(cells.iter().map(|c| c.key.as_str()), single_other)
        .into_iter()
        .filter_map(|eq| {
            Some(PlacedEquation {
                lhs: place(&eq.lhs)?,
                rhs: place(&eq.rhs)?,
                rule: eq.rule,
                scope: eq.scope,
            })
        })
        .collect();
    let placed = Arc::new(PlacedEquations {
        keys: cells.iter().map(|c| c.key.clone()).collect(),
        equations,
    });
    if let Ok(mut c) = cache.lock() {
        if c.len() < MAX_CACHED {
            c.insert(id, Arc::clone(&placed));
        }
    }
    placed
}

/// Appends a number the way a person writes it: integers without a decimal point.
fn push_number(out: &mut String, v: f64) {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        out.push_str(itoa::Buffer::new().format(v as i64));
    } else {
        use std::fmt::Write;
        let _ = write!(out, "{v}");
    }
}

/// The sum of the cells at `at` and how many were blank or dash; `None` when one cannot take
/// part.
fn total(cells: &[Cell], at: &[usize]) -> Option<(f64, usize)> {
    at.iter().try_fold((0.0, 0), |(sum, blanks), &i| {
        operand(&cells[i]).map(|o| (sum + o.value, blanks + usize::from(o.blank)))
    })
}

/// Appends `a + b + c = sum` for the cells at `at`.
fn push_sum(detail: &mut String, cells: &[Cell], at: &[usize], sum: f64) {
    for (n, o) in at.iter().filter_map(|&i| operand(&cells[i])).enumerate() {
        if n > 0 {
            detail.push_str(" + ");
        }
        push_number(detail, o.value);
    }
    detail.push_str(" = ");
    push_number(detail, sum);
}

/// Evaluates one equation, unless an operand is unusable.
fn evaluate(cells: &[Cell], eq: &PlacedEquation) -> Option<Check> {
    let (l_sum, l_blanks) = total(cells, &eq.lhs)?;
    let (r_sum, r_blanks) = total(cells, &eq.rhs)?;
    let mut detail = String::with_capacity(8 * (eq.lhs.len() + eq.rhs.len()) + 32);
    push_sum(&mut detail, cells, &eq.lhs, l_sum);
    detail.push_str(" vs ");
    push_sum(&mut detail, cells, &eq.rhs, r_sum);
    let blanks = l_blanks + r_blanks;
    if blanks > 0 {
        detail.push_str(&format!(" ({blanks} blank or dash cells counted as 0)"));
    }
    Some(Check {
        rule: eq.rule.to_string(),
        scope: eq.scope.clone(),
        passed: (l_sum - r_sum).abs() < 1e-6,
        detail,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Number;

    fn num(key: &str, v: i64) -> Cell {
        Cell {
            key: key.into(),
            value: Some(Number::Int(v)),
            status: Status::Number,
            raw: Some(v.to_string()),
            candidates: vec![],
            unit: None,
        }
    }

    #[test]
    fn r4_1_fails_on_an_inconsistent_group_and_passes_otherwise() {
        let mut cells = vec![];
        for (g, vals) in [
            ("admin_review", [10, 1, 0, 0, 0]),
            ("litigation_direct", [0, 0, 0, 0, 0]),
            ("litigation_after_review", [3, 1, 0, 1, 5]),
        ] {
            for (c, v) in ["upheld", "corrected", "other_result", "pending", "total"]
                .iter()
                .zip(vals)
            {
                cells.push(num(&format!("table4.{g}.{c}"), v));
            }
        }
        let checks = run_checks(&cells);
        assert_eq!(checks.len(), 3);
        assert!(!checks[0].passed, "{:?}", checks[0]);
        assert_eq!(checks[0].detail, "10 + 1 + 0 + 0 = 11 vs 0 = 0");
        assert!(checks[1].passed && checks[2].passed);
    }

    #[test]
    fn blank_cells_count_as_zero_and_are_named() {
        let mut cells = vec![num("table3.new_received.total", 5)];
        cells.push(Cell {
            status: Status::Blank,
            value: None,
            ..Cell::missing("table3.carried_over.total")
        });
        cells.push(num("table3.result_total.total", 4));
        cells.push(num("table3.carried_forward.total", 1));
        let checks = run_checks(&cells);
        let r31: Vec<_> = checks.iter().filter(|c| c.rule == "R3.1").collect();
        assert_eq!(r31.len(), 1);
        assert!(r31[0].passed);
        assert!(r31[0].detail.contains("1 blank"));
    }

    #[test]
    fn missing_operands_skip_the_rule() {
        let cells = vec![
            num("table3.new_received.total", 5),
            Cell::missing("table3.carried_over.total"),
        ];
        assert!(run_checks(&cells).iter().all(|c| c.rule != "R3.1"));
    }
}
