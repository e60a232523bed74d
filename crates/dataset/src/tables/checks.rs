//! `checks`: one row per consistency check of every report (the report's own rules, then the
//! cross-report rule X3.1 at the end). About 40 rows a report: they go straight into Arrow column
//! builders (no `String` per row).

use std::mem::replace;

use nianbao_schema::Check;
use polars::prelude::*;

use super::{frame, Rows};

/// Buffered rows of `checks`.
pub struct ChecksTable {
    report_id: StringChunkedBuilder,
    rule: StringChunkedBuilder,
    scope: StringChunkedBuilder,
    passed: BooleanChunkedBuilder,
    detail: StringChunkedBuilder,
    rows: usize,
}

impl Default for ChecksTable {
    fn default() -> Self {
        ChecksTable::with_capacity(0)
    }
}

impl ChecksTable {
    /// An empty buffer with room for `rows` rows.
    fn with_capacity(rows: usize) -> ChecksTable {
        let text = |name: &str| StringChunkedBuilder::new(name.into(), rows);
        ChecksTable {
            report_id: text("report_id"),
            rule: text("rule"),
            scope: text("scope"),
            passed: BooleanChunkedBuilder::new("passed".into(), rows),
            detail: text("detail"),
            rows: 0,
        }
    }

    /// Adds the checks of one report.
    pub fn push<'a>(&mut self, report_id: &str, checks: impl IntoIterator<Item = &'a Check>) {
        for check in checks {
            self.report_id.append_value(report_id);
            self.rule.append_value(&check.rule);
            self.scope.append_value(&check.scope);
            self.passed.append_value(check.passed);
            self.detail.append_value(&check.detail);
            self.rows += 1;
        }
    }
}

impl Rows for ChecksTable {
    /// About 380 reports.
    const ROW_GROUP: usize = 1 << 14;

    fn rows(&self) -> usize {
        self.rows
    }

    fn take_frame(&mut self) -> PolarsResult<DataFrame> {
        let rows = self.rows;
        let full = replace(self, ChecksTable::with_capacity(Self::ROW_GROUP));
        frame(
            rows,
            vec![
                full.report_id.finish().into_column(),
                full.rule.finish().into_column(),
                full.scope.finish().into_column(),
                full.passed.finish().into_column(),
                full.detail.finish().into_column(),
            ],
        )
    }
}
