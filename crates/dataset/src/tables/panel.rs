//! `panel`: one row per agency and year, with the main indicators. The forms of one report (its
//! duplicates) are folded into the original; when a year has several reports that are not
//! duplicates, the row gives the first one with table numbers and says whether they disagree.
//!
//! The agency's key is its region code and normalized name (`320813 洪泽区人民政府`) when the
//! region is resolved, so same-named districts of two cities stay apart; the normalized name
//! alone when it is not (then a name printed once with its city and once without gives two
//! keys: they are not merged on a guess).

use std::collections::BTreeMap;

use polars::prelude::*;

use super::{column, frame};
use crate::agency::AgencyKind;
use crate::indicators::{Indicator, Values};

struct Row {
    agency: String,
    report_id: String,
    region_code: Option<&'static str>,
    n_reports: u32,
    disagree: bool,
    values: Values,
}

/// The rows of `panel`, keyed by (agency key, year), in that order.
#[derive(Default)]
pub struct PanelTable {
    rows: BTreeMap<(String, i32), Row>,
}

impl PanelTable {
    /// Adds a report (not a duplicate) of `agency` (normalized), in `region_code` when known, on
    /// `year`.
    pub fn add(
        &mut self,
        agency: &str,
        year: i32,
        report_id: &str,
        region_code: Option<&'static str>,
        values: Values,
    ) {
        let key = match region_code {
            Some(code) => format!("{code} {agency}"),
            None => agency.to_string(),
        };
        let has_numbers = |v: &Values| v.iter().any(Option::is_some);
        match self.rows.get_mut(&(key.clone(), year)) {
            None => {
                let row = Row {
                    agency: agency.to_string(),
                    report_id: report_id.to_string(),
                    region_code,
                    n_reports: 1,
                    disagree: false,
                    values,
                };
                self.rows.insert((key, year), row);
            }
            Some(row) => {
                row.n_reports += 1;
                row.disagree |= row
                    .values
                    .iter()
                    .zip(&values)
                    .any(|(a, b)| matches!((a, b), (Some(a), Some(b)) if a != b));
                if !has_numbers(&row.values) && has_numbers(&values) {
                    row.report_id = report_id.to_string();
                    row.values = values;
                }
            }
        }
    }

    /// The rows as a frame.
    pub fn take_frame(&mut self) -> PolarsResult<DataFrame> {
        let rows = std::mem::take(&mut self.rows);
        let height = rows.len();
        let mut key = Vec::with_capacity(height);
        let mut agency = Vec::with_capacity(height);
        let mut kind = Vec::with_capacity(height);
        let mut year = Vec::with_capacity(height);
        let mut report_id = Vec::with_capacity(height);
        let mut region_code = Vec::with_capacity(height);
        let mut n_reports = Vec::with_capacity(height);
        let mut disagree = Vec::with_capacity(height);
        let mut values: Vec<Vec<Option<i64>>> =
            vec![Vec::with_capacity(height); Indicator::ALL.len()];
        for ((k, y), row) in rows {
            kind.push(AgencyKind::of(&row.agency).map(AgencyKind::name));
            key.push(k);
            agency.push(row.agency);
            year.push(y);
            report_id.push(row.report_id);
            region_code.push(row.region_code);
            n_reports.push(row.n_reports);
            disagree.push(row.disagree);
            for (column, value) in values.iter_mut().zip(row.values) {
                column.push(value);
            }
        }
        let mut columns = vec![
            column("agency_key", key),
            column("agency_normalized", agency),
            column("agency_kind", kind),
            column("region_code", region_code),
            column("year", year),
            column("report_id", report_id),
            column("n_reports", n_reports),
            column("reports_disagree", disagree),
        ];
        for (indicator, v) in Indicator::ALL.iter().zip(values) {
            columns.push(column(indicator.column(), v));
        }
        frame(height, columns)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_of_one_agency_year_fold_into_a_row_that_says_when_they_disagree() {
        let mut panel = PanelTable::default();
        let none: Values = [None; Indicator::ALL.len()];
        let mut a = none;
        a[0] = Some(95);
        let mut b = none;
        b[0] = Some(17);
        panel.add("洪泽区人民政府", 2024, "empty", None, none);
        panel.add("洪泽区人民政府", 2024, "a", None, a);
        panel.add("洪泽区人民政府", 2023, "c", Some("320813"), a);
        panel.add("鼓楼区人民政府", 2023, "e", Some("350102"), a);
        panel.add("鼓楼区人民政府", 2023, "f", Some("320106"), b);
        panel.add("洪泽区人民政府", 2024, "b", None, b);
        panel.add("平潭综合实验区", 2024, "d", None, a);
        let frame = panel.take_frame().unwrap();
        let text = |name: &str| -> Vec<Option<String>> {
            let c = frame.column(name).unwrap().str().unwrap().clone();
            c.iter().map(|s| s.map(str::to_string)).collect()
        };
        let ids: Vec<String> = text("report_id").into_iter().flatten().collect();
        assert_eq!(
            ids,
            ["f", "c", "e", "d", "a"],
            "ordered by agency key and year; the first report with numbers"
        );
        assert_eq!(
            text("agency_key")[..3],
            [
                Some("320106 鼓楼区人民政府".into()),
                Some("320813 洪泽区人民政府".into()),
                Some("350102 鼓楼区人民政府".into())
            ],
            "same-named districts of two cities stay apart"
        );
        assert_eq!(
            text("agency_normalized")[0].as_deref(),
            Some("鼓楼区人民政府")
        );
        assert_eq!(text("agency_kind")[1].as_deref(), Some("government"));
        assert_eq!(text("region_code")[1].as_deref(), Some("320813"));
        let n: Vec<_> = frame
            .column("n_reports")
            .unwrap()
            .u32()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(n, [Some(1), Some(1), Some(1), Some(1), Some(3)]);
        let disagree: Vec<_> = frame
            .column("reports_disagree")
            .unwrap()
            .bool()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(
            disagree,
            [
                Some(false),
                Some(false),
                Some(false),
                Some(false),
                Some(true)
            ]
        );
        let received: Vec<_> = frame
            .column("requests_received")
            .unwrap()
            .i64()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(received, [Some(17), Some(95), Some(95), Some(95), Some(95)]);
    }
}
