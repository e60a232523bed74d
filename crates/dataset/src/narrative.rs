//! The prose against the tables: a statement of a number that a table also holds is compared
//! with the table (rule `N…`, e.g. `N3.new_received`); `所有申请均已办结` states a zero
//! 结转下年度, so a table that carries requests forward fails `N3.carried_forward`.

use nianbao_extract::Statement;
use nianbao_schema::Check;

use crate::indicators::{get, Indicator, Values};

/// What the table holds for a statement: `None` when no table holds it or the table printed no
/// number there.
pub fn table_value(statement: &Statement, values: &Values) -> Option<i64> {
    Indicator::of(statement.measure).and_then(|indicator| get(values, indicator))
}

/// The check of one statement against the table; `None` when there is nothing to compare.
pub fn check(statement: &Statement, values: &Values) -> Option<Check> {
    let rule = statement.measure.rule()?;
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

    use super::*;

    fn statement(measure: Measure, value: f64, text: &str) -> Statement {
        Statement {
            measure,
            value,
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
}
