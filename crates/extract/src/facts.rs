//! Numbers the report states in its prose about its own tables (`本年度全区共收到70件申请`,
//! `办结69件`, `1件结转下年度`, `制发行政规范性文件62件`). They are soft evidence for the
//! run-together solver: they can only choose among readings the tables allow, and a cell they
//! decide is named in a warning.

use std::sync::OnceLock;

use regex::Regex;

use crate::document::{Block, Document};
use crate::solve::Fact;

/// The statements read: a pattern whose first group is the number, and the key it gives.
fn patterns() -> &'static [(Regex, &'static str)] {
    static P: OnceLock<Vec<(Regex, &'static str)>> = OnceLock::new();
    P.get_or_init(|| {
        [
            (
                r"(?:共|全年|累计)(?:收到|受理|接收)[^。；，,]{0,12}?申请(\d+)件",
                "table3.new_received.total",
            ),
            (
                r"(?:共|全年|累计)(?:收到|受理|接收)(\d+)件[^。；，,]{0,8}申请",
                "table3.new_received.total",
            ),
            (r"办结(\d+)件", "table3.result_total.total"),
            (
                r"(\d+)件(?:申请)?结转(?:至)?下(?:一)?年度",
                "table3.carried_forward.total",
            ),
            (
                r"制发(?:行政)?规范性文件(\d+)件",
                "table2.art20_1.normative_docs.issued",
            ),
        ]
        .into_iter()
        .map(|(p, key)| (Regex::new(p).expect("valid regex"), key))
        .collect()
    })
}

/// The facts stated in the document's paragraphs (table cells are not prose).
pub fn prose_facts(doc: &Document) -> Vec<Fact> {
    let mut facts = Vec::new();
    let paragraphs = doc.blocks.iter().filter_map(|b| match b {
        // Every statement counts 件.
        Block::Paragraph(p) if p.len() > 48 && p.contains('件') => Some(p),
        _ => None,
    });
    for text in paragraphs {
        for (re, key) in patterns() {
            for caps in re.captures_iter(text) {
                let Some(value) = caps.get(1).and_then(|m| m.as_str().parse::<f64>().ok()) else {
                    continue;
                };
                facts.push(Fact {
                    key: key.to_string(),
                    value,
                    source: caps[0].to_string(),
                });
            }
        }
    }
    facts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_about_the_tables_are_read() {
        let doc = Document {
            blocks: vec![Block::Paragraph(
                "（二）依申请公开方面。坚持第一时间登记受理的工作机制。本年度全区共收到70件申请，及时依法依规办结69件，1件结转下年度继续办理。动态更新发布本年度制发行政规范性文件62件。"
                    .into(),
            )],
            ..Default::default()
        };
        let facts = prose_facts(&doc);
        let got: Vec<(&str, f64)> = facts.iter().map(|f| (f.key.as_str(), f.value)).collect();
        assert_eq!(
            got,
            vec![
                ("table3.new_received.total", 70.0),
                ("table3.result_total.total", 69.0),
                ("table3.carried_forward.total", 1.0),
                ("table2.art20_1.normative_docs.issued", 62.0),
            ]
        );
    }
}
