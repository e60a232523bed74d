//! The prose against the tables: a statement of a number that a table also holds is compared
//! with the table (rule `N…`, e.g. `N3.new_received`); `所有申请均已办结` states a zero
//! 结转下年度, so a table that carries requests forward fails `N3.carried_forward`.
//!
//! A percentage (`予以公开120件，占63.2%`, `办结率100%`) is compared with the table's ratio
//! (`N3.granted_share`, `N3.result_total_rate`): it passes when the ratio, rounded or cut to the
//! printed digits, is the printed number. There is no check when an operand has no number, the
//! base is zero, or the words name no clear base.

use nianbao_extract::{Base, Statement, Unit};
use nianbao_schema::Check;

use crate::indicators::{get, Indicator, Values};

/// What the table holds for a statement: `None` when no table holds it or the table printed no
/// number there.
pub fn table_value(statement: &Statement, values: &Values) -> Option<i64> {
    Indicator::of(statement.measure).and_then(|indicator| get(values, indicator))
}

/// A percentage against the table: the table's ratio in percent, whether the printed number
/// agrees with it, and the arithmetic.
#[derive(Debug, Clone, PartialEq)]
pub struct Share {
    /// `100 × numerator / base` from the table.
    pub percent: f64,
    /// Whether the ratio, rounded or cut to the printed digits, is the printed number.
    pub agrees: bool,
    /// `120 / 190 = 63.158%`.
    pub arithmetic: String,
}

/// The table's ratio for a percentage; `None` for a count, an unclear base, an operand with no
/// number, or a zero base.
pub fn share(statement: &Statement, values: &Values) -> Option<Share> {
    let Unit::Percent { base, decimals } = statement.unit else {
        return None;
    };
    let numerator = table_value(statement, values)?;
    let (denominator, terms) = match base {
        Base::Unclear => return None,
        Base::ResultTotal => {
            let d = get(values, Indicator::ResultTotal)?;
            (d, d.to_string())
        }
        Base::Received => {
            let d = get(values, Indicator::Received)?;
            (d, d.to_string())
        }
        Base::Requests => {
            let new = get(values, Indicator::Received)?;
            let carried = get(values, Indicator::CarriedOver)?;
            (new + carried, format!("({new} + {carried})"))
        }
        Base::AdminReviews => {
            let d = get(values, Indicator::ReviewsTotal)?;
            (d, d.to_string())
        }
    };
    if denominator <= 0 {
        return None;
    }
    let percent = 100.0 * numerator as f64 / denominator as f64;
    let step = 10f64.powi(-i32::from(decimals));
    let printed = statement.value;
    const EPS: f64 = 1e-9;
    let rounded = (percent - printed).abs() <= step / 2.0 + EPS;
    let cut = printed <= percent + EPS && percent < printed + step - EPS;
    Some(Share {
        percent,
        agrees: rounded || cut,
        arithmetic: format!("{numerator} / {terms} = {percent:.3}%"),
    })
}

/// The check of one statement against the table; `None` when there is nothing to compare.
pub fn check(statement: &Statement, values: &Values) -> Option<Check> {
    let rule = statement.rule()?;
    if let Unit::Percent { base, decimals } = statement.unit {
        let share = share(statement, values)?;
        let verdict = if share.agrees { "is" } else { "is not" };
        return Some(Check {
            rule: rule.to_string(),
            scope: statement.measure.key().to_string(),
            passed: share.agrees,
            detail: format!(
                "the prose states {}% ({}); the table gives {} ({} / {}), which {verdict} {} when rounded or cut to {decimals} digit(s) after the point",
                statement.value,
                statement.text,
                share.arithmetic,
                statement.measure.key(),
                base.key(),
                statement.value,
            ),
        });
    }
    let table = table_value(statement, values)?;
    Some(Check {
        rule: rule.to_string(),
        scope: statement.measure.key().to_string(),
        passed: table as f64 == statement.value,
        detail: format!(
            "the prose states {} ({}); the table gives {table}",
            statement.value, statement.text
        ),
    })
}

#[cfg(test)]
mod tests {
    use nianbao_extract::Measure;

    use crate::indicators::Indicator as I;

    use super::*;

    fn statement(measure: Measure, value: f64, text: &str) -> Statement {
        Statement {
            measure,
            value,
            unit: Unit::Count,
            text: text.into(),
            sentence: format!("{text}。"),
        }
    }

    #[test]
    fn a_statement_the_table_contradicts_fails() {
        let mut values: Values = [None; Indicator::ALL.len()];
        values[0] = Some(95); // requests received
        values[9] = Some(3); // carried forward
        let received = statement(Measure::NewReceived, 17.0, "受理政府信息公开申请 17 件");
        let check = check(&received, &values).unwrap();
        assert_eq!(
            (check.rule.as_str(), check.scope.as_str(), check.passed),
            ("N3.new_received", "table3.new_received.total", false)
        );
        assert_eq!(
            check.detail,
            "the prose states 17 (受理政府信息公开申请 17 件); the table gives 95"
        );
        let all_done = statement(Measure::CarriedForward, 0.0, "申请均已按时办结");
        let check = super::check(&all_done, &values).unwrap();
        assert_eq!(
            (check.rule.as_str(), check.passed),
            ("N3.carried_forward", false)
        );
        values[9] = Some(0);
        assert!(super::check(&all_done, &values).unwrap().passed);
        let granted = statement(Measure::Granted, 8.0, "予以公开8件");
        assert_eq!(
            super::check(&granted, &values),
            None,
            "no number in the table"
        );
        let published = statement(Measure::ProactivePublished, 2428.0, "主动发布信息2428条");
        assert_eq!(super::check(&published, &values), None);
    }

    fn percent(measure: Measure, value: f64, base: Base, decimals: u8, text: &str) -> Statement {
        Statement {
            unit: Unit::Percent { base, decimals },
            ..statement(measure, value, text)
        }
    }

    fn values(set: &[(I, i64)]) -> Values {
        let mut values: Values = [None; I::ALL.len()];
        for &(indicator, v) in set {
            let i = I::ALL.iter().position(|&x| x == indicator).unwrap();
            values[i] = Some(v);
        }
        values
    }

    #[test]
    fn a_percentage_is_checked_against_the_ratio() {
        let v = values(&[
            (I::Received, 180),
            (I::CarriedOver, 10),
            (I::Granted, 120),
            (I::Denied, 35),
            (I::ResultTotal, 190),
            (I::ReviewsTotal, 0),
            (I::ReviewsCorrected, 0),
        ]);
        let granted = percent(
            Measure::Granted,
            63.2,
            Base::ResultTotal,
            1,
            "予以公开120件，占63.2%",
        );
        let check = check(&granted, &v).unwrap();
        assert_eq!(
            (check.rule.as_str(), check.scope.as_str(), check.passed),
            ("N3.granted_share", "table3.result.granted.total", true)
        );
        assert_eq!(
            check.detail,
            "the prose states 63.2% (予以公开120件，占63.2%); the table gives 120 / 190 = 63.158% \
             (table3.result.granted.total / table3.result_total.total), which is 63.2 when \
             rounded or cut to 1 digit(s) after the point"
        );
        // 35 / 190 = 18.42%: 18.4 rounds, 18.5 does not; 18 rounds (integer).
        let denied = |value, decimals| {
            let s = percent(
                Measure::Denied,
                value,
                Base::ResultTotal,
                decimals,
                "不予公开35件",
            );
            super::check(&s, &v).unwrap().passed
        };
        assert!(denied(18.4, 1));
        assert!(!denied(18.5, 1));
        assert!(denied(18.0, 0));
        assert!(!denied(19.0, 0));
        // Against the requests received: 120 / 180 = 66.67%; cut to 66.6 also passes.
        let of_received = |value, decimals| {
            let s = percent(
                Measure::Granted,
                value,
                Base::Received,
                decimals,
                "占收到申请总数的",
            );
            super::check(&s, &v).unwrap().passed
        };
        assert!(of_received(66.7, 1));
        assert!(of_received(66.6, 1), "cut, not rounded");
        assert!(!of_received(63.2, 1));
        // 办结率: 190 / (180 + 10) = 100%.
        let rate = percent(Measure::Resolved, 100.0, Base::Requests, 0, "办结率100%");
        let check = super::check(&rate, &v).unwrap();
        assert_eq!(
            (check.rule.as_str(), check.passed),
            ("N3.result_total_rate", true)
        );
        assert!(
            check.detail.contains("190 / (180 + 10) = 100.000%"),
            "{}",
            check.detail
        );
        // Nothing to compare: no reviews (a zero base), no 部分公开 number, an unclear base.
        let corrected = percent(
            Measure::AdminReviewCorrected,
            0.0,
            Base::AdminReviews,
            0,
            "行政复议纠错率0%",
        );
        assert_eq!(super::check(&corrected, &v), None);
        let partial = percent(
            Measure::PartiallyGranted,
            5.3,
            Base::ResultTotal,
            1,
            "部分公开…占比5.3%",
        );
        assert_eq!(super::check(&partial, &v), None);
        let unclear = percent(
            Measure::Granted,
            63.2,
            Base::Unclear,
            1,
            "占申请总数的63.2%",
        );
        assert_eq!(super::check(&unclear, &v), None);
        assert_eq!(unclear.rule(), None);
        // With reviews, 纠错率 is corrected / reviews.
        let v = values(&[(I::ReviewsTotal, 4), (I::ReviewsCorrected, 1)]);
        let corrected = percent(
            Measure::AdminReviewCorrected,
            25.0,
            Base::AdminReviews,
            0,
            "行政复议纠错率25%",
        );
        let check = super::check(&corrected, &v).unwrap();
        assert_eq!(
            (check.rule.as_str(), check.passed),
            ("N4.admin_review_corrected_rate", true)
        );
    }
}
