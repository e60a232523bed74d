//! `facts`: one row per number the prose of a report states (`受理政府信息公开申请17件`), with
//! the sentence, the key it speaks of and what the table holds there; a percentage
//! (`予以公开120件，占63.2%`) has `unit` `percent`, its `base` and the table's ratio.

use std::mem::take;

use nianbao_extract::{Narrative, Unit};
use polars::prelude::*;

use super::{column, frame, Rows};
use crate::indicators::Values;
use crate::narrative::{share, table_value};

/// Buffered rows of `facts`.
#[derive(Default)]
pub struct FactsTable {
    report_id: Vec<String>,
    key: Vec<&'static str>,
    rule: Vec<Option<&'static str>>,
    value: Vec<f64>,
    table_value: Vec<Option<i64>>,
    agrees: Vec<Option<bool>>,
    text: Vec<String>,
    sentence: Vec<String>,
    unit: Vec<&'static str>,
    base: Vec<Option<&'static str>>,
    table_percent: Vec<Option<f64>>,
}

impl FactsTable {
    /// Adds the statements of one report, compared with its indicators.
    pub fn push(&mut self, report_id: &str, narrative: &Narrative, values: &Values) {
        for statement in &narrative.statements {
            let table = table_value(statement, values);
            let share = share(statement, values);
            self.report_id.push(report_id.to_string());
            self.key.push(statement.measure.key());
            self.rule.push(statement.rule());
            self.value.push(statement.value);
            self.table_value.push(table);
            match statement.unit {
                Unit::Count => {
                    self.agrees.push(table.map(|t| t as f64 == statement.value));
                    self.unit.push("count");
                    self.base.push(None);
                }
                Unit::Percent { base, .. } => {
                    self.agrees.push(share.as_ref().map(|s| s.agrees));
                    self.unit.push("percent");
                    self.base.push(Some(base.key()));
                }
            }
            self.table_percent.push(share.map(|s| s.percent));
            self.text.push(statement.text.clone());
            self.sentence.push(statement.sentence.clone());
        }
    }
}

impl Rows for FactsTable {
    const ROW_GROUP: usize = 1 << 15;

    fn rows(&self) -> usize {
        self.report_id.len()
    }

    fn take_frame(&mut self) -> PolarsResult<DataFrame> {
        frame(
            self.report_id.len(),
            vec![
                column("report_id", take(&mut self.report_id)),
                column("key", take(&mut self.key)),
                column("rule", take(&mut self.rule)),
                column("value", take(&mut self.value)),
                column("table_value", take(&mut self.table_value)),
                column("agrees", take(&mut self.agrees)),
                column("text", take(&mut self.text)),
                column("sentence", take(&mut self.sentence)),
                column("unit", take(&mut self.unit)),
                column("base", take(&mut self.base)),
                column("table_percent", take(&mut self.table_percent)),
            ],
        )
    }
}
