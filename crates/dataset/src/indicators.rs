//! The main numbers of a report (requests received, granted, denied, …), each read from one cell
//! or summed over the rows of a group (不予公开 over its eight reasons), for the `panel` table and
//! the narrative checks.
//!
//! A sum adds the cells printed as numbers and is null when none of its cells is a number (a
//! blank is not a zero). Every indicator is a count; a count printed with a fraction makes its
//! indicator null rather than rounded.

use std::sync::OnceLock;

use nianbao_extract::Measure;
use nianbao_schema::{all_keys, Cell, Number, Status};

use crate::tables::KeyCursor;

/// One main number of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indicator {
    /// 本年新收申请 (`table3.new_received.total`).
    Received,
    /// 上年结转申请 (`table3.carried_over.total`).
    CarriedOver,
    /// 予以公开 (`table3.result.granted.total`).
    Granted,
    /// 部分公开 (`table3.result.partially_granted.total`).
    PartiallyGranted,
    /// 不予公开, the eight reasons summed (`table3.result.denied.*.total`).
    Denied,
    /// 无法提供, the three reasons summed (`table3.result.unable.*.total`).
    Unable,
    /// 不予处理, the five reasons summed (`table3.result.not_processed.*.total`).
    NotProcessed,
    /// 其他处理 (`table3.result.other.*.total`: one row in 2019, three in 2021).
    Other,
    /// 总计 of the results (`table3.result_total.total`).
    ResultTotal,
    /// 结转下年度继续办理 (`table3.carried_forward.total`).
    CarriedForward,
    /// 行政复议 (`table4.admin_review.total`).
    ReviewsTotal,
    /// 行政复议 结果纠正 (`table4.admin_review.corrected`).
    ReviewsCorrected,
    /// 行政诉讼, direct and after review (`table4.litigation_*.total`).
    LawsuitsTotal,
    /// 行政诉讼 结果纠正 (`table4.litigation_*.corrected`).
    LawsuitsCorrected,
    /// 规范性文件 本年制发 (`table2.art20_1.normative_docs.issued`).
    NormativeDocsIssued,
}

/// The value of every indicator of one report, in [`Indicator::ALL`] order.
pub type Values = [Option<i64>; Indicator::ALL.len()];

impl Indicator {
    /// Every indicator, in the panel's column order.
    pub const ALL: [Indicator; 15] = [
        Indicator::Received,
        Indicator::CarriedOver,
        Indicator::Granted,
        Indicator::PartiallyGranted,
        Indicator::Denied,
        Indicator::Unable,
        Indicator::NotProcessed,
        Indicator::Other,
        Indicator::ResultTotal,
        Indicator::CarriedForward,
        Indicator::ReviewsTotal,
        Indicator::ReviewsCorrected,
        Indicator::LawsuitsTotal,
        Indicator::LawsuitsCorrected,
        Indicator::NormativeDocsIssued,
    ];

    /// Its column in `panel`.
    pub fn column(self) -> &'static str {
        match self {
            Indicator::Received => "requests_received",
            Indicator::CarriedOver => "requests_carried_over",
            Indicator::Granted => "granted",
            Indicator::PartiallyGranted => "partially_granted",
            Indicator::Denied => "denied_total",
            Indicator::Unable => "unable_total",
            Indicator::NotProcessed => "not_processed_total",
            Indicator::Other => "other_total",
            Indicator::ResultTotal => "result_total",
            Indicator::CarriedForward => "carried_forward",
            Indicator::ReviewsTotal => "reviews_total",
            Indicator::ReviewsCorrected => "reviews_corrected",
            Indicator::LawsuitsTotal => "lawsuits_total",
            Indicator::LawsuitsCorrected => "lawsuits_corrected",
            Indicator::NormativeDocsIssued => "normative_docs_issued",
        }
    }

    /// The indicator a statement of the prose speaks of (none for a number no table holds).
    pub fn of(measure: Measure) -> Option<Indicator> {
        Some(match measure {
            Measure::NewReceived => Indicator::Received,
            Measure::CarriedOver => Indicator::CarriedOver,
            Measure::Resolved => Indicator::ResultTotal,
            Measure::Granted => Indicator::Granted,
            Measure::PartiallyGranted => Indicator::PartiallyGranted,
            Measure::Denied => Indicator::Denied,
            Measure::Unable => Indicator::Unable,
            Measure::NotProcessed => Indicator::NotProcessed,
            Measure::Other => Indicator::Other,
            Measure::CarriedForward => Indicator::CarriedForward,
            Measure::AdminReview => Indicator::ReviewsTotal,
            Measure::Litigation => Indicator::LawsuitsTotal,
            Measure::NormativeDocsIssued => Indicator::NormativeDocsIssued,
            Measure::AdminReviewCorrected => Indicator::ReviewsCorrected,
            Measure::ProactivePublished => return None,
        })
    }

    /// Whether the cell `key` is (one of the cells) it reads.
    fn reads(self, key: &str) -> bool {
        let group = |prefix: &str, suffix: &str| key.starts_with(prefix) && key.ends_with(suffix);
        match self {
            Indicator::Received => key == "table3.new_received.total",
            Indicator::CarriedOver => key == "table3.carried_over.total",
            Indicator::Granted => key == "table3.result.granted.total",
            Indicator::PartiallyGranted => key == "table3.result.partially_granted.total",
            Indicator::Denied => group("table3.result.denied.", ".total"),
            Indicator::Unable => group("table3.result.unable.", ".total"),
            Indicator::NotProcessed => group("table3.result.not_processed.", ".total"),
            Indicator::Other => group("table3.result.other.", ".total"),
            Indicator::ResultTotal => key == "table3.result_total.total",
            Indicator::CarriedForward => key == "table3.carried_forward.total",
            Indicator::ReviewsTotal => key == "table4.admin_review.total",
            Indicator::ReviewsCorrected => key == "table4.admin_review.corrected",
            Indicator::LawsuitsTotal => group("table4.litigation_", ".total"),
            Indicator::LawsuitsCorrected => group("table4.litigation_", ".corrected"),
            Indicator::NormativeDocsIssued => key == "table2.art20_1.normative_docs.issued",
        }
    }
}

/// The position in [`Indicator::ALL`] of the indicator that reads each canonical key (by its
/// position in `keys.tsv`); a key is read by one indicator at most.
fn indicator_of_keys() -> &'static [Option<usize>] {
    static BY_KEY: OnceLock<Vec<Option<usize>>> = OnceLock::new();
    BY_KEY.get_or_init(|| all_keys().iter().map(|k| reader(&k.key)).collect())
}

/// The position in [`Indicator::ALL`] of the indicator that reads `key`.
fn reader(key: &str) -> Option<usize> {
    Indicator::ALL.iter().position(|i| i.reads(key))
}

/// The indicators of one report's cells, in one pass over them.
pub fn values(cells: &[Cell]) -> Values {
    // Per indicator: the sum so far (`None` before its first number); `Err` once a count
    // printed with a fraction or an overflow leaves it without a value.
    let mut sums: [Result<Option<i64>, ()>; Indicator::ALL.len()] =
        [Ok(None); Indicator::ALL.len()];
    let mut keys = KeyCursor::default();
    for cell in cells {
        let indicator = match keys.find(&cell.key) {
            Some((i, _)) => indicator_of_keys()[i],
            None => reader(&cell.key),
        };
        let Some(indicator) = indicator else {
            continue;
        };
        let count = match (cell.status, cell.value) {
            (Status::Number, Some(Number::Int(i))) => Some(i),
            (Status::Number, Some(Number::Decimal(d))) if d.fract() == 0.0 => Some(d as i64),
            (Status::Number, _) => None,
            _ => continue,
        };
        let sum = &mut sums[indicator];
        *sum = match (*sum, count) {
            (Ok(total), Some(count)) => total.unwrap_or(0).checked_add(count).map(Some).ok_or(()),
            _ => Err(()),
        };
    }
    sums.map(|sum| sum.ok().flatten())
}

/// The value of `indicator` in `values`.
pub fn get(values: &Values, indicator: Indicator) -> Option<i64> {
    let i = Indicator::ALL
        .iter()
        .position(|&x| x == indicator)
        .expect("every indicator is in ALL");
    values[i]
}

#[cfg(test)]
mod tests {
    use nianbao_schema::Template;

    use super::*;

    fn cells(set: &[(&str, Option<Number>, Status)]) -> Vec<Cell> {
        let mut cells: Vec<Cell> = Template::V2021
            .keys()
            .map(|k| Cell::missing(&k.key))
            .collect();
        for (key, value, status) in set {
            let cell = cells.iter_mut().find(|c| c.key == *key).unwrap();
            cell.value = *value;
            cell.status = *status;
        }
        cells
    }

    #[test]
    fn a_key_is_read_by_one_indicator_at_most() {
        for spec in all_keys() {
            let readers = Indicator::ALL.iter().filter(|i| i.reads(&spec.key)).count();
            assert!(readers <= 1, "{}: read by {readers} indicators", spec.key);
        }
    }

    #[test]
    fn groups_are_summed_over_the_numbers_printed() {
        let n = |i| Some(Number::Int(i));
        let values = values(&cells(&[
            ("table3.new_received.total", n(95), Status::Number),
            (
                "table3.result.denied.state_secret.total",
                n(1),
                Status::Number,
            ),
            (
                "table3.result.denied.process_info.total",
                n(2),
                Status::Number,
            ),
            (
                "table3.result.denied.internal_affairs.total",
                None,
                Status::Blank,
            ),
            ("table4.litigation_direct.total", n(3), Status::Number),
            ("table4.litigation_after_review.total", n(1), Status::Number),
            ("table3.result.other.fee_unpaid.total", n(4), Status::Number),
            ("table3.result.unable.not_held.total", None, Status::Blank),
            (
                "table4.admin_review.total",
                Some(Number::Decimal(1.5)),
                Status::Number,
            ),
        ]));
        assert_eq!(get(&values, Indicator::Received), Some(95));
        assert_eq!(get(&values, Indicator::Denied), Some(3));
        assert_eq!(get(&values, Indicator::LawsuitsTotal), Some(4));
        assert_eq!(get(&values, Indicator::Other), Some(4));
        assert_eq!(
            get(&values, Indicator::Unable),
            None,
            "a blank is not a zero"
        );
        assert_eq!(get(&values, Indicator::Granted), None);
        assert_eq!(
            get(&values, Indicator::ReviewsTotal),
            None,
            "a count with a fraction is not rounded"
        );
    }
}
