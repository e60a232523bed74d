//! The main text, character by character, into paragraphs and tables: paragraph marks (0x0D)
//! end paragraphs, cell marks (0x07) end cells, the end-of-row mark ends a row and carries the
//! row's cell definitions; fields keep their result and drop their instruction; objects and
//! other special characters are dropped.

use crate::pieces::TextChar;
use crate::props::{ParagraphIndex, RowDef, TableMarks, VerticalMerge};
use crate::{Block, Cell, Row, Table, WordDocument};

/// Paragraph mark.
const PARAGRAPH_END: char = '\u{0D}';
/// Cell mark, and the end-of-row mark.
const CELL_END: char = '\u{07}';
/// Line break (Shift+Enter).
const LINE_BREAK: char = '\u{0B}';
/// Page or section break.
const PAGE_BREAK: char = '\u{0C}';
/// Field start.
const FIELD_BEGIN: char = '\u{13}';
/// Field separator: the instruction ends, the result follows.
const FIELD_SEPARATOR: char = '\u{14}';
/// Field end.
const FIELD_END: char = '\u{15}';
/// A picture or an embedded object.
const PICTURE: char = '\u{01}';
/// A drawn object.
const DRAWN_OBJECT: char = '\u{08}';
/// Non-breaking hyphen.
const NON_BREAKING_HYPHEN: char = '\u{1E}';
/// Edges of cells in different rows closer than this (in twips) are one grid line.
const EDGE_TOLERANCE: i32 = 20;
/// Deepest field nesting followed; deeper fields are read as text of their parent.
const MAX_FIELD_DEPTH: usize = 64;

/// Where a field is: in its instruction, or in its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FieldPart {
    Instruction,
    Result,
}

/// A table being read: its rows with their definitions.
#[derive(Default)]
struct OpenTable {
    rows: Vec<(Vec<String>, RowDef)>,
}

/// Builds the document from the main text.
pub fn build(chars: &[TextChar], papx: &ParagraphIndex, word: &[u8], data: &[u8]) -> WordDocument {
    let mut doc = WordDocument::default();
    let mut para = String::new();
    let mut fields: Vec<FieldPart> = Vec::new();
    let mut deep_fields = 0usize;
    // The texts of the cells of the row being read.
    let mut row: Vec<String> = Vec::new();
    let mut table: Option<OpenTable> = None;
    for c in chars {
        match c.ch {
            FIELD_BEGIN => {
                if fields.len() < MAX_FIELD_DEPTH {
                    fields.push(FieldPart::Instruction);
                } else {
                    deep_fields += 1;
                }
            }
            FIELD_SEPARATOR if deep_fields == 0 => {
                if let Some(top) = fields.last_mut() {
                    *top = FieldPart::Result;
                }
            }
            FIELD_END => {
                if deep_fields > 0 {
                    deep_fields -= 1;
                } else {
                    fields.pop();
                }
            }
            PARAGRAPH_END | CELL_END => {
                let marks = TableMarks::of(papx.grpprl(c.fc, word, data));
                if marks.depth == 0 {
                    if let Some(t) = table.take() {
                        close_table(&mut doc, t, &mut row);
                    }
                    push_paragraph(&mut doc, &mut para);
                } else if c.ch == CELL_END && marks.row_end {
                    let t = table.get_or_insert_with(OpenTable::default);
                    let cells = std::mem::take(&mut row);
                    para.clear();
                    t.rows
                        .push((cells, RowDef::of(papx.grpprl(c.fc, word, data))));
                } else if c.ch == CELL_END && marks.depth == 1 {
                    table.get_or_insert_with(OpenTable::default);
                    row.push(std::mem::take(&mut para));
                } else {
                    // A paragraph inside a cell, or a cell or row of a nested table: a line
                    // of the cell.
                    table.get_or_insert_with(OpenTable::default);
                    para.push('\n');
                }
            }
            _ if fields.contains(&FieldPart::Instruction) => {}
            LINE_BREAK | PAGE_BREAK => para.push('\n'),
            PICTURE | DRAWN_OBJECT => doc.objects += 1,
            NON_BREAKING_HYPHEN => para.push('-'),
            '\t' => para.push('\t'),
            ch if ch < ' ' => {}
            ch => para.push(ch),
        }
    }
    if let Some(t) = table.take() {
        close_table(&mut doc, t, &mut row);
    }
    push_paragraph(&mut doc, &mut para);
    doc
}

fn push_paragraph(doc: &mut WordDocument, para: &mut String) {
    if !para.trim().is_empty() {
        doc.blocks.push(Block::Paragraph(std::mem::take(para)));
    }
    para.clear();
}

/// Ends a table: cells left without an end-of-row mark make a last row; every cell's width in
/// columns comes from the grid of all the rows' cell edges.
fn close_table(doc: &mut WordDocument, mut t: OpenTable, row: &mut Vec<String>) {
    if !row.is_empty() {
        t.rows.push((std::mem::take(row), RowDef::default()));
    }
    let mut edges: Vec<i32> = t
        .rows
        .iter()
        .flat_map(|(_, def)| def.cells.iter().flat_map(|c| [c.left, c.right]))
        .map(i32::from)
        .collect();
    edges.sort_unstable();
    // One grid line for edges within the tolerance of the first of them.
    let mut lines: Vec<i32> = Vec::with_capacity(edges.len());
    for e in edges {
        if lines.last().is_none_or(|l| e - l > EDGE_TOLERANCE) {
            lines.push(e);
        }
    }
    let line_of = |edge: i16| lines.partition_point(|l| *l + EDGE_TOLERANCE < i32::from(edge));
    let rows = t
        .rows
        .into_iter()
        .map(|(texts, def)| {
            let mut cells: Vec<Cell> = Vec::with_capacity(texts.len());
            let mut leading = 0;
            for (i, text) in texts.into_iter().enumerate() {
                let (cols, vertical, merged_left) = match def.cells.get(i) {
                    Some(d) => {
                        if i == 0 {
                            leading = line_of(d.left);
                        }
                        let cols = line_of(d.right).saturating_sub(line_of(d.left)).max(1);
                        (cols, d.vertical, d.merged_left)
                    }
                    None => (1, VerticalMerge::None, false),
                };
                match cells.last_mut() {
                    Some(previous) if merged_left => {
                        previous.cols += cols;
                        if !text.trim().is_empty() {
                            previous.text.push('\n');
                            previous.text.push_str(&text);
                        }
                    }
                    _ => cells.push(Cell {
                        text,
                        cols,
                        vertical,
                    }),
                }
            }
            Row { leading, cells }
        })
        .collect();
    doc.blocks.push(Block::Table(Table { rows }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::props::tests::def_table;

    /// Text whose marks carry the properties given by `props_of` (index of the character to
    /// grpprl), through a fake index; returns the document.
    fn doc_of(text: &str, props: &[(usize, Vec<u8>)]) -> WordDocument {
        // The stream: grpprls one after the other; each character's FC is its index * 2 + a
        // base past them, and the index maps the FC of a mark to its grpprl.
        let mut word = Vec::new();
        let mut runs = Vec::new();
        let base = 10_000u32;
        for (i, grpprl) in props {
            let start = word.len();
            word.extend(grpprl);
            let fc = base + 2 * *i as u32;
            runs.push((fc, fc + 2, start..word.len()));
        }
        let chars: Vec<TextChar> = text
            .chars()
            .enumerate()
            .map(|(i, ch)| TextChar {
                ch,
                fc: base + 2 * i as u32,
            })
            .collect();
        let index = ParagraphIndex::from_runs(runs);
        build(&chars, &index, &word, &[])
    }

    const IN_TABLE: [u8; 3] = [0x16, 0x24, 1];

    fn row_end(edges: &[i16], tcgrf: &[u16]) -> Vec<u8> {
        let mut g = IN_TABLE.to_vec();
        g.extend([0x17, 0x24, 1]);
        g.extend(def_table(edges, tcgrf));
        g
    }

    fn marks_at(text: &str, mark: char) -> Vec<usize> {
        text.chars()
            .enumerate()
            .filter(|(_, c)| *c == mark)
            .map(|(i, _)| i)
            .collect()
    }

    #[test]
    fn cells_rows_and_merges_make_a_table() {
        // Row 1: "三、" (vertical restart) and "申请" over two columns; row 2: the continued
        // cell, "自然人" and "7" (cell 2 with a second paragraph).
        let text = "标题\r三、\x07申请\x07\x07\x07自然人\x077\r甲\x07\x07后\r";
        let cells = marks_at(text, '\x07');
        let mut props = vec![(marks_at(text, '\r')[0], vec![])];
        let paragraph_in_cell = text.chars().position(|c| c == '甲').unwrap() - 1;
        for &i in &cells {
            props.push((i, IN_TABLE.to_vec()));
        }
        props.push((paragraph_in_cell, IN_TABLE.to_vec()));
        props[3] = (cells[2], row_end(&[0, 100, 300], &[3 << 5, 0]));
        props[7] = (cells[6], row_end(&[0, 100, 200, 300], &[1 << 5, 0, 0]));
        let doc = doc_of(text, &props);
        assert_eq!(doc.blocks[0], Block::Paragraph("标题".into()));
        let Block::Table(t) = &doc.blocks[1] else {
            panic!("{:?}", doc.blocks)
        };
        let row1: Vec<(&str, usize, VerticalMerge)> = t.rows[0]
            .cells
            .iter()
            .map(|c| (c.text.as_str(), c.cols, c.vertical))
            .collect();
        assert_eq!(
            row1,
            vec![
                ("三、", 1, VerticalMerge::Restart),
                ("申请", 2, VerticalMerge::None)
            ]
        );
        let row2: Vec<(&str, usize, VerticalMerge)> = t.rows[1]
            .cells
            .iter()
            .map(|c| (c.text.as_str(), c.cols, c.vertical))
            .collect();
        assert_eq!(
            row2,
            vec![
                ("", 1, VerticalMerge::Continue),
                ("自然人", 1, VerticalMerge::None),
                ("7\n甲", 1, VerticalMerge::None)
            ]
        );
        assert_eq!(doc.blocks[2], Block::Paragraph("后".into()));
    }

    #[test]
    fn horizontal_merge_flags_fold_cells_into_the_first() {
        let text = "合并\x07\x07x\x07\x07";
        let cells = marks_at(text, '\x07');
        let props = vec![
            (cells[0], IN_TABLE.to_vec()),
            (cells[1], IN_TABLE.to_vec()),
            (cells[2], IN_TABLE.to_vec()),
            (cells[3], row_end(&[0, 100, 200, 300], &[0b01, 0b10, 0])),
        ];
        let doc = doc_of(text, &props);
        let Block::Table(t) = &doc.blocks[0] else {
            panic!("{:?}", doc.blocks)
        };
        let cells: Vec<(&str, usize)> = t.rows[0]
            .cells
            .iter()
            .map(|c| (c.text.as_str(), c.cols))
            .collect();
        assert_eq!(cells, vec![("合并", 2), ("x", 1)]);
    }

    #[test]
    fn fields_keep_their_result_and_special_characters_go() {
        let text = "a\x13 PAGE \x14\x13 NESTED \x145\x15结果\x15b\x01c\x0Bd\x1Ee\x13 only \x15f\r";
        let props = vec![(text.chars().count() - 1, vec![])];
        let doc = doc_of(text, &props);
        assert_eq!(doc.blocks, vec![Block::Paragraph("a5结果bc\nd-ef".into())]);
        assert_eq!(doc.objects, 1);
    }

    #[test]
    fn a_table_without_row_ends_or_definitions_still_reads() {
        let text = "a\x07b\x07";
        let props = marks_at(text, '\x07')
            .into_iter()
            .map(|i| (i, IN_TABLE.to_vec()))
            .collect::<Vec<_>>();
        let doc = doc_of(text, &props);
        let Block::Table(t) = &doc.blocks[0] else {
            panic!("{:?}", doc.blocks)
        };
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].cells.len(), 2);
    }
}
