//! Plain text → [`Document`]. Two layouts are told apart by their lines:
//!
//! - **tab-flattened** (`report.tab.txt`): each table cell is a line beginning with a TAB, a
//!   blank line starts a new row, a bare TAB is a blank (or merged) cell, and a cell's text may
//!   continue on the following lines without a TAB, even across one blank line
//!   (`\t三、` / `` / `本年度办理结果`). Two blank lines, or a line of prose, end the table.
//! - **line per cell** (LibreOffice's text export, crawler dumps): every line is a paragraph,
//!   and empty lines are kept as blank paragraphs, because there they stand for blank or
//!   merged cells.

use crate::assemble::{Assembler, CellSpan};
use crate::document::{Block, Document, ReadLimits};

/// Reads decoded text.
pub fn read(text: &str) -> Document {
    read_with(text, &ReadLimits::default())
}

/// Reads decoded text, building no more than `limits` allows.
pub fn read_with(text: &str, limits: &ReadLimits) -> Document {
    let max = limits.max_paragraphs;
    let lines: Vec<&str> = super::lines(text).take(max).collect();
    let tab_lines = lines.iter().filter(|l| l.starts_with('\t')).count();
    let mut doc = if tab_lines >= 8 && tab_lines * 10 >= lines.len() {
        read_tab_flattened(&lines, limits)
    } else {
        Document {
            blocks: lines
                .iter()
                .map(|l| Block::Paragraph(l.trim_end().to_string()))
                .collect(),
            ..Document::default()
        }
    };
    if lines.len() == max && super::lines(text).nth(max).is_some() {
        doc.warnings.push(format!(
            "the document has more than {max} lines: the rest was not read"
        ));
    }
    doc
}

fn read_tab_flattened(lines: &[&str], limits: &ReadLimits) -> Document {
    let mut out = Assembler::new(limits);
    let mut in_table = false;
    // Blank lines seen since the last non-blank line.
    let mut blanks = 0usize;
    // Whether the last non-blank line was a cell line (so plain text continues it).
    let mut after_cell = false;
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() && !line.starts_with('\t') {
            blanks += 1;
            continue;
        }
        if let Some(cell) = line.strip_prefix('\t') {
            if !in_table {
                out.open_table();
                in_table = true;
                out.start_row();
            } else if blanks > 0 {
                out.start_row();
            }
            out.open_cell(CellSpan::New { cols: 1, rows: 1 });
            out.text(cell.trim_end());
            after_cell = true;
        } else {
            let next_is_cell = lines.get(i + 1).is_some_and(|n| n.starts_with('\t'));
            let continues =
                in_table && after_cell && (blanks == 0 || (blanks == 1 && next_is_cell));
            if continues {
                out.line_break();
                out.text(line.trim_end());
            } else {
                if in_table {
                    out.close_table();
                    in_table = false;
                }
                out.text(line.trim());
                out.line_break();
                after_cell = false;
            }
        }
        blanks = 0;
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_rows_cells_and_continuations() {
        let text = "标题\n\n\t一、本年新收\n\t  7 \n\t\n\n\t三、\n\n本年度办理结果\n\t（一）予以公开\n\t商业\n企业\n\n\n四、结论\n";
        let text = text.repeat(2);
        let doc = read(&text);
        assert_eq!(doc.blocks[0], Block::Paragraph("标题".into()));
        let Block::Table(g) = &doc.blocks[1] else {
            panic!("{:?}", doc.blocks)
        };
        let texts = g.texts();
        assert_eq!(
            texts,
            vec![
                vec!["一、本年新收", "7", ""],
                vec!["三、\n本年度办理结果", "（一）予以公开", "商业\n企业"]
            ]
        );
        assert_eq!(doc.blocks[2], Block::Paragraph("四、结论".into()));
    }

    #[test]
    fn line_per_cell_keeps_empty_lines() {
        let doc = read("规章\n13\n\n \n");
        assert_eq!(
            doc.blocks,
            vec![
                Block::Paragraph("规章".into()),
                Block::Paragraph("13".into()),
                Block::Paragraph(String::new()),
                Block::Paragraph(String::new()),
            ]
        );
    }
}
