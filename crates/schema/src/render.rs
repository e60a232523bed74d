//! Renderings of a report for people and spreadsheets: CSV (`key,value,status,raw`) and an aligned
//! table with the printed Chinese labels.

use std::collections::HashSet;
use std::fmt::Write;

use unicode_width::UnicodeWidthStr;

use crate::check_cells::cells_of_check;
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

/// `s` cut to at most `width` display columns, with `…` when cut.
fn clip(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        if out.width() + c.to_string().width() + 1 > width {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

fn pad_right(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(s.width())))
}

fn pad_left(s: &str, width: usize) -> String {
    format!("{}{s}", " ".repeat(width.saturating_sub(s.width())))
}

fn shown(cell: &Cell) -> String {
    match cell.status {
        crate::Status::Number => value_text(cell.value),
        crate::Status::Blank => "·".into(),
        crate::Status::Dash => "-".into(),
        crate::Status::Missing => "?".into(),
        crate::Status::Ambiguous => "??".into(),
    }
}

/// Longest row label printed, in display columns (longer ones are cut with `…`).
const LABEL_WIDTH: usize = 30;

/// A line of a printed table.
enum Line {
    /// A group heading (（三）不予公开); the rows below it are indented.
    Heading(String),
    /// A row: its label, its values (left to right), whether a failed check involves it, and
    /// whether it sits under a heading.
    Row {
        label: String,
        values: Vec<String>,
        failed: bool,
        indented: bool,
    },
}

/// Prints `lines` under `header`: labels left-aligned, numbers right-aligned, every column as
/// wide as its widest entry in display columns (a CJK character takes two), failed rows marked
/// `✗` in the margin.
fn write_grid(out: &mut String, header: &[String], lines: &[Line]) {
    let label_width = lines
        .iter()
        .map(|l| match l {
            Line::Heading(h) => h.width().saturating_sub(2),
            Line::Row {
                label, indented, ..
            } => label.width() + if *indented { 2 } else { 0 },
        })
        .max()
        .unwrap_or(0);
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            lines
                .iter()
                .filter_map(|l| match l {
                    Line::Row { values, .. } => values.get(i).map(|v| v.width()),
                    Line::Heading(_) => None,
                })
                .chain([header[i].width()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let _ = write!(out, "    {}", pad_right("", label_width));
    for (h, w) in header.iter().zip(&widths) {
        let _ = write!(out, "  {}", pad_left(h, *w));
    }
    out.push('\n');
    for line in lines {
        match line {
            Line::Heading(heading) => {
                let _ = writeln!(out, "  {heading}");
            }
            Line::Row {
                label,
                values,
                failed,
                indented,
            } => {
                let mark = if *failed { "✗ " } else { "  " };
                let label = if *indented {
                    format!("  {label}")
                } else {
                    label.clone()
                };
                let mut line = format!("{mark}  {}", pad_right(&label, label_width));
                for (i, w) in widths.iter().enumerate() {
                    let v = values.get(i).map_or("", String::as_str);
                    let _ = write!(line, "  {}", pad_left(v, *w));
                }
                let _ = writeln!(out, "{}", line.trim_end());
            }
        }
    }
}

/// The keys of the cells that a failed check of `report` involves.
fn failed_keys(report: &Report) -> HashSet<String> {
    report
        .checks
        .iter()
        .filter(|c| !c.passed)
        .flat_map(|c| {
            let keys = report.cells.iter().map(|c| c.key.as_str());
            cells_of_check(&c.rule, &c.scope, keys)
        })
        .collect()
}

/// Groups consecutive cells by row path (`keys.tsv` order keeps a row's cells together).
fn rows_of<'c>(cells: &[&'c Cell]) -> Vec<Vec<&'c Cell>> {
    let mut rows: Vec<Vec<&Cell>> = Vec::new();
    for cell in cells {
        let path = |c: &Cell| c.key.rsplit_once('.').map(|(r, _)| r.to_string());
        match rows.last_mut() {
            Some(row) if path(row[0]) == path(cell) => row.push(cell),
            _ => rows.push(vec![cell]),
        }
    }
    rows
}

/// Rows of a table whose row labels are `group / row` paths, with a heading line wherever the
/// group changes. `columns` picks the values of a row, left to right.
fn grouped_lines(
    rows: &[Vec<&Cell>],
    failed: &HashSet<String>,
    columns: impl Fn(&[&Cell]) -> Vec<String>,
) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut group_shown: Option<String> = None;
    for row in rows {
        let label = key_spec(&row[0].key).map_or_else(
            || row[0].key.clone(),
            |s| s.row_label.trim_end_matches(" (single row)").to_string(),
        );
        let label = printable(&label);
        let (group, label) = match label.split_once(" / ") {
            Some((group, label)) => (Some(group.to_string()), label.to_string()),
            None => (None, label),
        };
        if group.is_some() && group != group_shown {
            lines.push(Line::Heading(clip(
                group.as_deref().unwrap_or(""),
                LABEL_WIDTH,
            )));
        }
        lines.push(Line::Row {
            label: clip(&label, LABEL_WIDTH),
            values: columns(row),
            failed: row.iter().any(|c| failed.contains(&c.key)),
            indented: group.is_some(),
        });
        group_shown = group;
    }
    lines
}

/// The report for a person: metadata, tables 二/三/四 with Chinese labels (sub-rows under their
/// group heading, numbers right-aligned, columns aligned by display width), the rows of failed
/// checks marked `✗`, then the checks and warnings.
pub fn to_table(report: &Report) -> String {
    let mut out = String::new();
    let m = &report.report;
    let or_dash = |s: &Option<String>| s.as_deref().map_or("—".into(), printable);
    let _ = writeln!(out, "标题: {}", or_dash(&m.title));
    let _ = writeln!(out, "机关: {}", or_dash(&m.agency));
    let _ = writeln!(
        out,
        "年度: {}",
        m.year.map_or("—".into(), |y| y.to_string())
    );
    let _ = writeln!(out, "格式: {}", or_dash(&m.template));
    let _ = writeln!(out, "发布: {}", or_dash(&m.published));
    let _ = writeln!(
        out,
        "(· 空白  - 横线/无  ? 未找到  ?? 有歧义  ✗ 未通过校验)"
    );
    let failed = failed_keys(report);
    let table = |n: u8| -> Vec<&Cell> {
        report
            .cells
            .iter()
            .filter(|c| c.key.as_bytes().get(5) == Some(&(b'0' + n)) && c.key.starts_with("table"))
            .collect()
    };

    let t2 = table(2);
    if !t2.is_empty() {
        out.push_str("\n二、主动公开政府信息情况\n");
        let mut blocks: Vec<(String, Vec<&Cell>)> = Vec::new();
        for cell in t2 {
            let block = key_spec(&cell.key).map_or("其他".to_string(), |s| {
                s.table.rsplit(" / ").next().unwrap_or(&s.table).to_string()
            });
            match blocks.last_mut() {
                Some((b, cells)) if *b == block => cells.push(cell),
                _ => blocks.push((block, vec![cell])),
            }
        }
        for (block, cells) in blocks {
            let column_of = |c: &Cell| {
                key_spec(&c.key).map_or_else(|| c.key.clone(), |s| s.column_label.clone())
            };
            let mut header: Vec<String> = Vec::new();
            for cell in &cells {
                let column = column_of(cell);
                if !header.contains(&column) {
                    header.push(column);
                }
            }
            let _ = writeln!(out, "  {}", printable(&block));
            let lines: Vec<Line> = rows_of(&cells)
                .iter()
                .map(|row| Line::Row {
                    label: clip(
                        &printable(
                            &key_spec(&row[0].key)
                                .map_or_else(|| row[0].key.clone(), |s| s.row_label.clone()),
                        ),
                        LABEL_WIDTH,
                    ),
                    values: header
                        .iter()
                        .map(|h| {
                            row.iter()
                                .find(|c| &column_of(c) == h)
                                .map_or(String::new(), |c| shown(c))
                        })
                        .collect(),
                    failed: row.iter().any(|c| failed.contains(&c.key)),
                    indented: false,
                })
                .collect();
            write_grid(&mut out, &header, &lines);
        }
    }

    let t3 = table(3);
    if !t3.is_empty() {
        out.push_str("\n三、收到和处理政府信息公开申请情况\n");
        let header: Vec<String> = [
            "自然人",
            "商业企业",
            "科研机构",
            "社会公益",
            "法律服务",
            "其他",
            "总计",
        ]
        .map(String::from)
        .to_vec();
        let lines = grouped_lines(&rows_of(&t3), &failed, |row| {
            TABLE3_COLUMNS
                .iter()
                .map(|col| {
                    row.iter()
                        .find(|c| c.key.rsplit('.').next() == Some(col))
                        .map_or(String::new(), |c| shown(c))
                })
                .collect()
        });
        write_grid(&mut out, &header, &lines);
    }

    let t4 = table(4);
    if !t4.is_empty() {
        out.push_str("\n四、政府信息公开行政复议、行政诉讼情况\n");
        const COLUMNS: [&str; 5] = ["upheld", "corrected", "other_result", "pending", "total"];
        let header: Vec<String> = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
            .map(String::from)
            .to_vec();
        let lines = grouped_lines(&rows_of(&t4), &failed, |row| {
            COLUMNS
                .iter()
                .map(|col| {
                    row.iter()
                        .find(|c| c.key.rsplit('.').next() == Some(col))
                        .map_or(String::new(), |c| shown(c))
                })
                .collect()
        });
        write_grid(&mut out, &header, &lines);
    }

    let failed: Vec<_> = report.checks.iter().filter(|c| !c.passed).collect();
    let _ = writeln!(
        out,
        "\n校验: {} 项, 未通过 {} 项",
        report.checks.len(),
        failed.len()
    );
    for c in failed {
        let _ = writeln!(
            out,
            "  ✗ {} {}: {}",
            printable(&c.rule),
            printable(&c.scope),
            printable(&c.detail)
        );
    }
    for w in &report.warnings {
        let _ = writeln!(out, "  ! {}", printable(w));
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

    use crate::report::{Check, Meta, Number, Status};
    use crate::template::Template;

    /// A 2019 report with every cell a number (1), one control character in its title and one
    /// failed check.
    fn report() -> Report {
        let cells = Template::V2019
            .keys()
            .map(|k| Cell {
                key: k.key.clone(),
                value: Some(Number::Int(1)),
                status: Status::Number,
                raw: Some("1".into()),
                candidates: Vec::new(),
                unit: None,
            })
            .collect();
        Report {
            report: Meta {
                title: Some("年报\u{1b}[31m红".into()),
                ..Meta::default()
            },
            cells,
            checks: vec![Check {
                rule: "R4.1".into(),
                scope: "litigation_direct".into(),
                passed: false,
                detail: "1 + 1 + 1 + 1 ≠ 1".into(),
            }],
            ..Report::default()
        }
    }

    #[test]
    fn table_columns_align_by_display_width() {
        let table = to_table(&report());
        let section = table.split("四、政府信息公开行政复议").nth(1).unwrap();
        let rows: Vec<&str> = section.lines().filter(|l| l.ends_with("     1")).collect();
        assert_eq!(rows.len(), 3, "{section}");
        let ends: Vec<usize> = rows.iter().map(|l| l.width()).collect();
        assert!(ends.windows(2).all(|w| w[0] == w[1]), "{section}");
        // The header's last column ends where the numbers do.
        let header = section.lines().nth(1).unwrap();
        assert_eq!(header.width(), ends[0], "{section}");
    }

    #[test]
    fn sub_rows_follow_their_heading_and_failed_rows_are_marked() {
        let table = to_table(&report());
        let heading = table.find("\n  （三）不予公开\n").unwrap();
        let first = table.find("\n      1.属于国家秘密 ").unwrap();
        assert!(heading < first);
        assert!(table.contains("\n  行政诉讼\n"), "{table}");
        assert!(table.contains("\n✗     未经复议直接起诉 "), "{table}");
        assert!(table.contains("\n      复议后起诉 "), "{table}");
        assert!(!table.contains('\u{1b}'));
        assert!(table.contains("标题: 年报[31m红"));
    }

    #[test]
    fn clip_cuts_by_display_width() {
        assert_eq!(clip("一二三四五", 6), "一二…");
        assert_eq!(clip("一二三", 6), "一二三");
    }

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
