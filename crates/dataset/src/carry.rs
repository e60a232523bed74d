//! Rule X3.1, across reports: for one agency (normalized) and consecutive years, last year's
//! `carried_forward` (结转下年度继续办理) equals this year's `carried_over` (上年结转), per column of
//! table 三. The check belongs to the later report. A blank or dash counts as 0 (the detail says
//! so); a missing or ambiguous cell skips that column; an agency with two reports for one year
//! (other than duplicates) is not checked for that year, since which one carries over is unknown.

use std::collections::BTreeMap;

use nianbao_schema::checks::TABLE3_COLUMNS;
use nianbao_schema::{checks, Check, Report};

/// The rule id.
pub const RULE: &str = "X3.1";

/// A table-三 cell as an operand (see [`operand`]), `None` when it cannot take part.
type Operand = Option<checks::Operand>;

struct Entry {
    report_id: String,
    row: usize,
    carried_over: [Operand; 7],
    carried_forward: [Operand; 7],
}

/// A check of one report, with the report's row in the `reports` table.
pub struct CrossCheck {
    /// The `reports` row of the later report.
    pub row: usize,
    /// Its id.
    pub report_id: String,
    /// The outcome.
    pub check: Check,
}

/// Carry-over cells of every report, by agency and year.
#[derive(Default)]
pub struct CarryOver {
    by_agency: BTreeMap<String, BTreeMap<i32, Vec<Entry>>>,
}

impl CarryOver {
    /// Keeps what X3.1 needs of a report (at `reports` row `row`), when it has an agency, a
    /// year and a template.
    pub fn add(&mut self, row: usize, report_id: &str, agency: Option<&str>, report: &Report) {
        let (Some(agency), Some(year), Some(_)) =
            (agency, report.report.year, &report.report.template)
        else {
            return;
        };
        if agency.is_empty() {
            return;
        }
        let operands = |row_path: &str| {
            TABLE3_COLUMNS.map(|c| operand(report, &format!("table3.{row_path}.{c}")))
        };
        let entry = Entry {
            report_id: report_id.to_string(),
            row,
            carried_over: operands("carried_over"),
            carried_forward: operands("carried_forward"),
        };
        self.by_agency
            .entry(agency.to_string())
            .or_default()
            .entry(year)
            .or_default()
            .push(entry);
    }

    /// The checks, ordered by agency, year and column.
    pub fn checks(&self) -> Vec<CrossCheck> {
        let mut out = Vec::new();
        for years in self.by_agency.values() {
            for (&year, entries) in years {
                let (Some([last]), [this]) = (
                    years.get(&(year - 1)).map(Vec::as_slice),
                    entries.as_slice(),
                ) else {
                    continue;
                };
                for (i, column) in TABLE3_COLUMNS.iter().enumerate() {
                    let (Some(last_year), Some(this_year)) =
                        (last.carried_forward[i], this.carried_over[i])
                    else {
                        continue;
                    };
                    let (before, now) = (last_year.value, this_year.value);
                    let mut detail = format!(
                        "{} carried_forward {before} (report {}) vs {year} carried_over {now}",
                        year - 1,
                        &last.report_id[..last.report_id.len().min(12)]
                    );
                    if last_year.blank || this_year.blank {
                        detail.push_str(" (blank or dash counted as 0)");
                    }
                    let check = Check {
                        rule: RULE.into(),
                        scope: column.to_string(),
                        passed: (before - now).abs() < 1e-6,
                        detail,
                    };
                    out.push(CrossCheck {
                        row: this.row,
                        report_id: this.report_id.clone(),
                        check,
                    });
                }
            }
        }
        out
    }
}

fn operand(report: &Report, key: &str) -> Operand {
    checks::operand(report.cell(key)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use nianbao_schema::{Cell, Meta, Number, Status};

    fn report(year: i32, over: i64, forward: Option<i64>) -> Report {
        let cell = |key: &str, v: Option<i64>| Cell {
            key: key.into(),
            value: v.map(Number::Int),
            status: if v.is_some() {
                Status::Number
            } else {
                Status::Blank
            },
            raw: None,
            candidates: vec![],
            unit: None,
        };
        Report {
            report: Meta {
                template: Some("2021".into()),
                year: Some(year),
                ..Meta::default()
            },
            cells: vec![
                cell("table3.carried_over.total", Some(over)),
                cell("table3.carried_forward.total", forward),
            ],
            ..Report::default()
        }
    }

    #[test]
    fn consecutive_years_are_compared_per_column() {
        let mut carry = CarryOver::default();
        carry.add(0, "r2020", Some("X局"), &report(2020, 0, Some(4)));
        carry.add(1, "r2021", Some("X局"), &report(2021, 4, None));
        carry.add(2, "r2022", Some("X局"), &report(2022, 0, Some(1)));
        carry.add(3, "r2024", Some("X局"), &report(2024, 1, Some(1)));
        carry.add(4, "other", Some("Y局"), &report(2021, 9, Some(1)));
        let checks = carry.checks();
        assert_eq!(
            checks.len(),
            2,
            "only the total column is present; 2024 has no 2023"
        );
        assert_eq!((checks[0].row, checks[0].check.passed), (1, true));
        assert_eq!(checks[0].check.scope, "total");
        assert_eq!(
            checks[0].check.detail,
            "2020 carried_forward 4 (report r2020) vs 2021 carried_over 4"
        );
        assert_eq!(
            (checks[1].row, checks[1].check.passed),
            (2, true),
            "{}",
            checks[1].check.detail
        );
        assert!(checks[1].check.detail.contains("blank"));
    }

    #[test]
    fn two_reports_in_one_year_are_not_checked() {
        let mut carry = CarryOver::default();
        carry.add(0, "a", Some("X局"), &report(2020, 0, Some(4)));
        carry.add(1, "b", Some("X局"), &report(2020, 0, Some(5)));
        carry.add(2, "c", Some("X局"), &report(2021, 4, Some(0)));
        assert!(carry.checks().is_empty());
    }
}
