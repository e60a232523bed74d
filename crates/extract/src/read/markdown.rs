//! Markdown → [`Document`]: pipe tables (`| a | b |`, separator rows skipped) become grids, one
//! per run of consecutive table lines; headings and other lines become paragraphs, except lines
//! that print a table row as its label and values (`（一）予以公开 50 0 0 0 0 0 50`), which are
//! read as the text reader reads them (`text::RowLines`). OCR renderings split one
//! printed table into many small ones with headings between them; the alignment reads across
//! them.

use super::text::RowLines;
use crate::assemble::{Assembler, CellSpan};
use crate::document::{Document, ReadLimits};

/// Whether the text has pipe tables: at least one separator row under a table row.
pub fn looks_like_markdown(text: &str) -> bool {
    // Only lines with a `|` are looked at.
    let mut from = 0;
    while let Some(bar) = text[from..].find('|') {
        let bar = from + bar;
        let start = text[..bar].rfind('\n').map_or(0, |p| p + 1);
        let end = text[bar..].find('\n').map_or(text.len(), |p| bar + p);
        let line = text[start..end].trim();
        if line.starts_with('|') && line.len() > 1 && end < text.len() {
            let next = &text[end + 1..];
            let next = next.find('\n').map_or(next, |p| &next[..p]);
            if is_separator(next.trim()) {
                return true;
            }
        }
        if end >= text.len() {
            break;
        }
        from = end + 1;
    }
    false
}

fn is_separator(line: &str) -> bool {
    line.starts_with('|')
        && line.contains('-')
        && line
            .chars()
            .all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
}

/// Reads decoded Markdown.
pub fn read(text: &str) -> Document {
    read_with(text, &ReadLimits::default())
}

/// Reads decoded Markdown, building no more than `limits` allows.
pub fn read_with(text: &str, limits: &ReadLimits) -> Document {
    let mut out = Assembler::new(limits);
    let mut in_table = false;
    let mut rows = RowLines::default();
    for line in super::lines(text) {
        let t = line.trim();
        if t.starts_with('|') {
            if is_separator(t) {
                continue;
            }
            if !in_table {
                rows.finish(&mut out);
                out.open_table();
                in_table = true;
            }
            out.start_row();
            let inner = t.trim_start_matches('|');
            let inner = inner.strip_suffix('|').unwrap_or(inner);
            for cell in inner.split('|') {
                out.open_cell(CellSpan::New { cols: 1, rows: 1 });
                out.text(cell.trim());
            }
            continue;
        }
        if in_table {
            out.close_table();
            in_table = false;
        }
        rows.push(line.trim_start().trim_start_matches('#'), &mut out);
    }
    rows.finish(&mut out);
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Block;

    #[test]
    fn rows_printed_as_lines_between_tables_are_rows() {
        let md = "| 信息内容 | 本年处理决定数量 |\n|---|---|\n| 行政许可 | 97 |\n\n\
                  ## 三、收到和处理政府信息公开申请情况\n\
                  （一）予以公开   50   0   0   0   0   0   50\n\
                  （二）部分公开（区分处理的，只计这一情形，不计其他情形） 3 0 0 0 0 0 3\n\
                  正文\n";
        let doc = read(md);
        let rows: Vec<Vec<&str>> = doc
            .blocks
            .iter()
            .map(|b| match b {
                Block::Table(g) => g.texts().last().cloned().unwrap(),
                Block::Paragraph(p) => vec![p.as_str()],
            })
            .collect();
        assert_eq!(
            rows,
            vec![
                vec!["行政许可", "97"],
                vec!["三、收到和处理政府信息公开申请情况"],
                vec!["（一）予以公开", "50", "0", "0", "0", "0", "0", "50"],
                vec![
                    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                    "3",
                    "0",
                    "0",
                    "0",
                    "0",
                    "0",
                    "3"
                ],
                vec!["正文"],
            ]
        );
    }

    #[test]
    fn pipe_tables_and_headings() {
        let md = "# 标题\n\n### (一) 予以公开\n| 类别 | 数据1 |\n|---|---|\n| 予以公开 | 290 |\n\n正文\n";
        assert!(looks_like_markdown(md));
        let doc = read(md);
        assert_eq!(doc.blocks[0], Block::Paragraph("标题".into()));
        assert_eq!(doc.blocks[1], Block::Paragraph("(一) 予以公开".into()));
        let Block::Table(g) = &doc.blocks[2] else {
            panic!()
        };
        assert_eq!(g.rows.len(), 2);
        assert_eq!(g.rows[1][1].text, "290");
        assert_eq!(doc.blocks[3], Block::Paragraph("正文".into()));
        assert!(!looks_like_markdown("a | b\nno table"));
        assert!(!looks_like_markdown("| a | b |"));
        assert!(!looks_like_markdown("| a | b |\n| 1 | 2 |\n"));
        assert!(looks_like_markdown(
            "x | y\n  | a | b |\r\n|--|:-:|\r\n| 1 | 2 |"
        ));
    }
}
