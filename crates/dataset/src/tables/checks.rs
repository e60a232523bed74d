//! `checks`: one row per consistency check of every report (the report's own rules, then the
//! cross-report rule X3.1 at the end).

use std::mem::take;

use nianbao_schema::Check;
use polars::prelude::*;

use super::{column, frame};

/// Buffered rows of `checks`.
#[derive(Default)]
pub struct ChecksTable {
    report_id: Vec<String>,
    rule: Vec<String>,
    scope: Vec<String>,
    passed: Vec<bool>,
    detail: Vec<String>,
}

impl ChecksTable {
    /// Adds the checks of one report.
    pub fn push(&mut self, report_id: &str, checks: impl IntoIterator<Item = Check>) {
        for check in checks {
            self.report_id.push(report_id.to_string());
            self.rule.push(check.rule);
            self.scope.push(check.scope);
            self.passed.push(check.passed);
            self.detail.push(check.detail);
        }
    }

    /// The buffered rows as a frame; the buffer is left empty.
    pub fn take_frame(&mut self) -> PolarsResult<DataFrame> {
        frame(
            self.report_id.len(),
            vec![
                column("report_id", take(&mut self.report_id)),
                column("rule", take(&mut self.rule)),
                column("scope", take(&mut self.scope)),
                column("passed", take(&mut self.passed)),
                column("detail", take(&mut self.detail)),
            ],
        )
    }
}
