//! Renderings of a report for people and spreadsheets: CSV (`key,value,status,raw`) and an aligned
//! table with the printed Chinese labels.

use std::fmt::Write;

use unicode_width::UnicodeWidthStr;

use crate::checks::TABLE3_COLUMNS;
use crate::report::{Cell, Number, Report};
use crate::template::key_spec;

/// A cell value as text: the number, or empty when there is none.
pub fn value_text(value: Option<Number>) -> String {
    match value {
        Some(Number::Int(i)) => i.to_string(),
        Some(Number::Decimal(d)) => format!("{d}"),
        None => String::new(),
    }
}

/// Quotes a CSV field when it needs it (RFC 4180).
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The report's cells as CSV with the header `key,value,status,raw`.
pub fn to_csv(report: &Report) -> String {
    let mut out = String::from("key,value,status,raw\n");
    for c in &report.cells {
        let raw = c.raw.as_deref().unwrap_or("");
        let _ = writeln!(
            out,
            "{},{},{},{}",
            csv_field(&c.key),
            value_text(c.value),
            c.status.name(),
            csv_field(raw)
        );
    }
    out
}

fn pad(s: &str, width: usize) -> String {
    let w = UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

fn shown(cell: &Cell) -> String {
    match cell.value {
        Some(v) => value_text(Some(v)),
        None => match cell.status {
            crate::Status::Blank => "·".into(),
            crate::Status::Dash => "-".into(),
            crate::Status::Missing => "?".into(),
            crate::Status::Ambiguous => "??".into(),
            crate::Status::Number => String::new(),
        },
    }
}

/// The report for a person: metadata, tables 二/三/四 with Chinese labels, checks and warnings.
pub fn to_table(report: &Report) -> String {
    let mut out = String::new();
    let m = &report.report;
    let or_dash = |s: &Option<String>| s.clone().unwrap_or_else(|| "—".into());
    let _ = writeln!(out, "标题: {}", or_dash(&m.title));
    let _ = writeln!(out, "机关: {}", or_dash(&m.agency));
    let _ = writeln!(
        out,
        "年度: {}",
        m.year.map_or("—".into(), |y| y.to_string())
    );
    let _ = writeln!(out, "格式: {}", or_dash(&m.template));
    let _ = writeln!(out, "发布: {}", or_dash(&m.published));
    let _ = writeln!(out, "(· 空白  - 横线/无  ? 未找到  ?? 有歧义)");

    let t2: Vec<&Cell> = report
        .cells
        .iter()
        .filter(|c| c.key.starts_with("table2."))
        .collect();
    if !t2.is_empty() {
        out.push_str("\n二、主动公开政府信息情况\n");
        let labels: Vec<String> = t2
            .iter()
            .map(|c| {
                key_spec(&c.key).map_or(c.key.clone(), |s| {
                    format!("{} × {}", s.row_label, s.column_label)
                })
            })
            .collect();
        let width = labels.iter().map(|l| l.width()).max().unwrap_or(0);
        for (c, l) in t2.iter().zip(&labels) {
            let _ = writeln!(out, "  {}  {}", pad(l, width), shown(c));
        }
    }

    let t3: Vec<&Cell> = report
        .cells
        .iter()
        .filter(|c| c.key.starts_with("table3."))
        .collect();
    if !t3.is_empty() {
        out.push_str("\n三、收到和处理政府信息公开申请情况\n");
        let heads = [
            "自然人",
            "商业企业",
            "科研机构",
            "社会公益",
            "法律服务",
            "其他",
            "总计",
        ];
        let mut rows: Vec<(String, Vec<String>)> = Vec::new();
        for c in &t3 {
            let (row, col) = c.key.rsplit_once('.').unwrap_or((&c.key, ""));
            let label = key_spec(&c.key).map_or(row.to_string(), |s| {
                s.row_label
                    .rsplit(" / ")
                    .next()
                    .unwrap_or(&s.row_label)
                    .to_string()
            });
            let idx = TABLE3_COLUMNS.iter().position(|k| *k == col).unwrap_or(0);
            if rows.last().map(|r| &r.0) != Some(&label) {
                rows.push((label.clone(), vec![String::new(); 7]));
            }
            if let Some(last) = rows.last_mut() {
                last.1[idx] = shown(c);
            }
        }
        let short = |l: &str| l.chars().take(16).collect::<String>();
        let width = rows.iter().map(|r| short(&r.0).width()).max().unwrap_or(0);
        let _ = write!(out, "  {}", pad("", width));
        for h in heads {
            let _ = write!(out, "  {}", pad(h, 8));
        }
        out.push('\n');
        for (label, vals) in rows {
            let _ = write!(out, "  {}", pad(&short(&label), width));
            for v in vals {
                let _ = write!(out, "  {}", pad(&v, 8));
            }
            out.push('\n');
        }
    }

    let t4: Vec<&Cell> = report
        .cells
        .iter()
        .filter(|c| c.key.starts_with("table4."))
        .collect();
    if !t4.is_empty() {
        out.push_str("\n四、政府信息公开行政复议、行政诉讼情况\n");
        let _ = writeln!(
            out,
            "  {}  结果维持  结果纠正  其他结果  尚未审结  总计",
            pad("", 16)
        );
        for group in t4.chunks(5) {
            let label = key_spec(&group[0].key).map_or(String::new(), |s| s.row_label.clone());
            let _ = write!(out, "  {}", pad(&label, 16));
            for c in group {
                let _ = write!(out, "  {}", pad(&shown(c), 8));
            }
            out.push('\n');
        }
    }

    let failed: Vec<_> = report.checks.iter().filter(|c| !c.passed).collect();
    let _ = writeln!(
        out,
        "\n校验: {} 项, 未通过 {} 项",
        report.checks.len(),
        failed.len()
    );
    for c in failed {
        let _ = writeln!(out, "  ✗ {} {}: {}", c.rule, c.scope, c.detail);
    }
    for w in &report.warnings {
        let _ = writeln!(out, "  ! {w}");
    }
    printable(&out)
}

/// The text for a terminal: control characters (an escape sequence in a title, a carriage
/// return) and bidirectional overrides are dropped; line ends stay.
fn printable(text: &str) -> String {
    let bidi = |c: char| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    text.chars()
        .filter(|&c| c == '\n' || !(c.is_control() || bidi(c)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_fields_with_commas_and_quotes() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"x\""), "\"say \"\"x\"\"\"");
        assert_eq!(csv_field("12"), "12");
    }

    #[test]
    fn the_table_for_a_terminal_has_no_control_characters() {
        let report = Report {
            report: crate::Meta {
                title: Some("\u{1b}[2J\u{1b}]0;pwned\u{7}报告\r\u{202E}txt".into()),
                ..Default::default()
            },
            ..Default::default()
        };
        let table = to_table(&report);
        assert!(table.starts_with("标题: [2J]0;pwned报告txt\n"), "{table:?}");
        assert!(!table.chars().any(|c| c.is_control() && c != '\n'));
    }
}
