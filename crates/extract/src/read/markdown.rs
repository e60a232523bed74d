//! Markdown → [`Document`]: pipe tables (`| a | b |`, separator rows skipped) become grids, one
//! per run of consecutive table lines; headings and other lines become paragraphs. OCR
//! renderings split one printed table into many small ones with headings between them; the
//! alignment reads across them.

use crate::assemble::{Assembler, CellSpan};
use crate::document::{Document, ReadLimits};

/// Whether the text has pipe tables: at least one separator row under a table row.
pub fn looks_like_markdown(text: &str) -> bool {
    if !text.contains('|') {
        return false;
    }
    let mut prev_is_row = false;
    for line in text.lines().take(5000) {
        let t = line.trim();
        if prev_is_row && is_separator(t) {
            return true;
        }
        prev_is_row = t.starts_with('|') && t.len() > 1;
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
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('|') {
            if is_separator(t) {
                continue;
            }
            if !in_table {
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
        let t = t.trim_start_matches('#').trim();
        if !t.is_empty() {
            out.text(t);
            out.line_break();
        }
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Block;

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
    }
}
