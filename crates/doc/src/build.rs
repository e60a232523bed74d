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

/// Deepest table nesting followed; deeper tables are read as part of the table at this depth.
const MAX_TABLE_DEPTH: usize = 64;

/// A table being read: its rows with their definitions, the row being read and the blocks of
/// its open cell.
#[derive(Default)]
struct OpenTable {
    rows: Vec<(Vec<Vec<Block>>, RowDef)>,
    row: Vec<Vec<Block>>,
    cell: Vec<Block>,
}

/// What a paragraph mark ends, once the tables are at its depth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MarkKind {
    /// A paragraph (of the body, or inside a cell).
    Paragraph,
    /// A cell.
    Cell,
    /// A row: the mark carries the row's definition.
    Row,
}

/// Builds the document from the main text.
pub fn build(chars: &[TextChar], papx: &ParagraphIndex, word: &[u8], data: &[u8]) -> WordDocument {
    let mut doc = WordDocument::default();
    let mut para = String::new();
    let mut fields: Vec<FieldPart> = Vec::new();
    let mut deep_fields = 0usize;
    // The open tables, outermost first.
    let mut tables: Vec<OpenTable> = Vec::new();
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
                let grpprl = papx.grpprl(c.fc, word, data);
                let marks = TableMarks::of(grpprl);
                let depth = (marks.depth as usize).min(MAX_TABLE_DEPTH);
                // Tables deeper than the mark have ended; tables it is inside of have begun.
                while tables.len() > depth {
                    close_table(&mut doc, &mut tables);
                }
                while tables.len() < depth {
                    tables.push(OpenTable::default());
                }
                let kind = match (c.ch, depth) {
                    (_, 0) => MarkKind::Paragraph,
                    (CELL_END, 1) if marks.row_end => MarkKind::Row,
                    (PARAGRAPH_END, 2..) if marks.inner_row_end => MarkKind::Row,
                    (PARAGRAPH_END, 2..) if marks.inner_cell_end => MarkKind::Cell,
                    (CELL_END, _) => MarkKind::Cell,
                    _ => MarkKind::Paragraph,
                };
                let paragraph = std::mem::take(&mut para);
                match tables.last_mut() {
                    None => push_paragraph(&mut doc.blocks, paragraph),
                    Some(t) => match kind {
                        MarkKind::Paragraph => push_paragraph(&mut t.cell, paragraph),
                        MarkKind::Cell => {
                            push_paragraph(&mut t.cell, paragraph);
                            t.row.push(std::mem::take(&mut t.cell));
                        }
                        MarkKind::Row => {
                            let cells = std::mem::take(&mut t.row);
                            t.rows.push((cells, RowDef::of(grpprl)));
                        }
                    },
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
    while !tables.is_empty() {
        close_table(&mut doc, &mut tables);
    }
    push_paragraph(&mut doc.blocks, para);
    doc
}

/// Adds a paragraph to `blocks`, unless it is blank.
fn push_paragraph(blocks: &mut Vec<Block>, para: String) {
    if !para.trim().is_empty() {
        blocks.push(Block::Paragraph(para));
    }
}

/// Ends the innermost open table and adds it to the cell that holds it, or to the body. Cells
/// left without an end-of-row mark make a last row; every cell's width in columns comes from
/// the grid of all the rows' cell edges.
fn close_table(doc: &mut WordDocument, tables: &mut Vec<OpenTable>) {
    let Some(mut t) = tables.pop() else {
        return;
    };
    if !t.cell.is_empty() {
        t.row.push(std::mem::take(&mut t.cell));
    }
    if !t.row.is_empty() {
        t.rows.push((std::mem::take(&mut t.row), RowDef::default()));
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
        .map(|(contents, def)| {
            let mut cells: Vec<Cell> = Vec::with_capacity(contents.len());
            let mut leading = 0;
            for (i, blocks) in contents.into_iter().enumerate() {
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
                        previous.blocks.extend(blocks);
                    }
                    _ => cells.push(Cell {
                        blocks,
                        cols,
                        vertical,
                    }),
                }
            }
            Row { leading, cells }
        })
        .collect();
    let table = Block::Table(Table { rows });
    match tables.last_mut() {
        Some(outer) => outer.cell.push(table),
        None => doc.blocks.push(table),
    }
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

    /// A row's cells as (text, columns, vertical merge).
    fn summary(row: &Row) -> Vec<(String, usize, VerticalMerge)> {
        row.cells
            .iter()
            .map(|c| (c.text(), c.cols, c.vertical))
            .collect()
    }

    fn want(cells: &[(&str, usize, VerticalMerge)]) -> Vec<(String, usize, VerticalMerge)> {
        cells
            .iter()
            .map(|(t, c, v)| (t.to_string(), *c, *v))
            .collect()
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
        assert_eq!(
            summary(&t.rows[0]),
            want(&[
                ("三、", 1, VerticalMerge::Restart),
                ("申请", 2, VerticalMerge::None)
            ])
        );
        assert_eq!(
            summary(&t.rows[1]),
            want(&[
                ("", 1, VerticalMerge::Continue),
                ("自然人", 1, VerticalMerge::None),
                ("7\n甲", 1, VerticalMerge::None)
            ])
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
        assert_eq!(
            summary(&t.rows[0]),
            want(&[
                ("合并", 2, VerticalMerge::None),
                ("x", 1, VerticalMerge::None)
            ])
        );
    }

    #[test]
    fn a_nested_table_is_a_block_of_its_cell() {
        // An outer 1×1 table whose cell holds a 1×2 table, then a paragraph.
        let text = "前\ra\rb\r\r说明\x07\x07";
        let ends: Vec<usize> = text
            .chars()
            .enumerate()
            .filter(|(_, c)| *c == '\r' || *c == '\x07')
            .map(|(i, _)| i)
            .collect();
        let inner = |extra: &[u8]| {
            let mut g = IN_TABLE.to_vec();
            g.extend([0x49, 0x66, 2, 0, 0, 0]);
            g.extend(extra);
            g
        };
        let mut inner_row_end = inner(&[0x4C, 0x24, 1]);
        inner_row_end.extend(def_table(&[0, 50, 100], &[0, 0]));
        let props = vec![
            (ends[0], vec![]),
            (ends[1], inner(&[0x4B, 0x24, 1])),
            (ends[2], inner(&[0x4B, 0x24, 1])),
            (ends[3], inner_row_end),
            (ends[4], IN_TABLE.to_vec()),
            (ends[5], row_end(&[0, 100], &[0])),
        ];
        let doc = doc_of(text, &props);
        assert_eq!(doc.blocks[0], Block::Paragraph("前".into()));
        let Block::Table(outer) = &doc.blocks[1] else {
            panic!("{:?}", doc.blocks)
        };
        let cell = &outer.rows[0].cells[0];
        let Block::Table(inner) = &cell.blocks[0] else {
            panic!("{:?}", cell.blocks)
        };
        assert_eq!(
            summary(&inner.rows[0]),
            want(&[("a", 1, VerticalMerge::None), ("b", 1, VerticalMerge::None)])
        );
        assert_eq!(cell.blocks[1], Block::Paragraph("说明".into()));
        assert_eq!(doc.blocks.len(), 2);
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
