//! Word 97–2003 `.doc` (and WPS `.wps` in the same format) → [`Document`]: nianbao-doc reads the
//! binary file into paragraphs and tables with cell spans, and the shared [`Assembler`] builds
//! the grids, as for DOCX: a cell `cols` wide is a `gridSpan`, a vertical-merge restart opens a
//! cell that the continuations below extend (`vMerge`), leading empty columns are `gridBefore`.
//!
//! An OLE2 file that is not a Word document is refused by what its streams say: an `.xls` or
//! `.ppt` (or a Word 6/95 file) is [`ReadError::LegacyOffice`]; a Works document or one of
//! Kingsoft WPS's own older formats (an OLE2 `.wps` without a `WordDocument` stream) is
//! [`ReadError::OldWps`].

use nianbao_doc::{Block, CompoundKind, DocError, DocLimits, VerticalMerge, WordDocument};

use super::ReadError;
use crate::assemble::{Assembler, CellSpan};
use crate::document::{Document, ReadLimits};

/// Reads a Word binary document, building no more than `within` allows.
pub fn read_with(
    bytes: &[u8],
    limits: &DocLimits,
    within: &ReadLimits,
) -> Result<Document, ReadError> {
    let word = nianbao_doc::read(bytes, limits).map_err(|e| match e {
        DocError::OtherCompoundFile {
            kind: CompoundKind::Works | CompoundKind::Unknown,
            ..
        } => ReadError::OldWps(e.to_string()),
        DocError::NotWord(_) | DocError::OldWord(_) | DocError::OtherCompoundFile { .. } => {
            ReadError::LegacyOffice(e.to_string())
        }
        DocError::Encrypted => ReadError::Encrypted(e.to_string()),
        DocError::OverLimit(_) => ReadError::OverLimit(e.to_string()),
        DocError::NotCompoundFile(_) | DocError::Broken(_) => ReadError::Broken(e.to_string()),
    })?;
    Ok(assemble(&word, within))
}

/// Builds the common document from the Word document's blocks.
fn assemble(word: &WordDocument, within: &ReadLimits) -> Document {
    let mut out = Assembler::new(within);
    blocks(&mut out, &word.blocks);
    let mut doc = out.finish();
    doc.images = word.objects;
    doc
}

/// Gives the assembler paragraphs and tables; a table inside a cell is a nested table, which
/// the assembler makes a layout table of.
fn blocks(out: &mut Assembler, blocks: &[Block]) {
    for block in blocks {
        match block {
            Block::Paragraph(text) => {
                lines(out, text);
                out.line_break();
            }
            Block::Table(table) => {
                out.open_table();
                for row in &table.rows {
                    out.start_row();
                    if row.leading > 0 {
                        out.skip_cells(row.leading);
                    }
                    for cell in &row.cells {
                        let cols = cell.cols;
                        if cell.vertical == VerticalMerge::Continue {
                            out.open_cell(CellSpan::ContinueAbove { cols });
                        } else {
                            out.open_cell(CellSpan::New { cols, rows: 1 });
                            self::blocks(out, &cell.blocks);
                        }
                        out.close_cell();
                    }
                }
                out.close_table();
            }
        }
    }
}

/// Gives the assembler text whose lines are separated by `\n`.
fn lines(out: &mut Assembler, text: &str) {
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.line_break();
        }
        out.text(line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Block as DocBlock;
    use nianbao_doc::{Cell, Row, Table};

    fn cell(text: &str, cols: usize, vertical: VerticalMerge) -> Cell {
        Cell {
            blocks: vec![Block::Paragraph(text.into())],
            cols,
            vertical,
        }
    }

    #[test]
    fn compound_files_that_are_not_word_documents_and_old_wps_files_are_refused_by_kind() {
        use std::io::Write;
        let mut xls = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
        xls.create_stream("Workbook")
            .unwrap()
            .write_all(b"\x09\x08")
            .unwrap();
        xls.flush().unwrap();
        let bytes = xls.into_inner().into_inner();
        let err = super::super::read(&bytes, &crate::Limits::default()).unwrap_err();
        assert_eq!(err.kind(), "legacy_office");
        assert!(err.to_string().contains("spreadsheet"), "{err}");
        // An OLE2 .wps of Kingsoft WPS's own older format: no WordDocument stream, no streams
        // of a known program.
        let mut wps = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
        wps.create_stream("WpsDoc")
            .unwrap()
            .write_all(b"\0\0")
            .unwrap();
        wps.flush().unwrap();
        let bytes = wps.into_inner().into_inner();
        let err =
            super::super::read_named(&bytes, "old.wps", &crate::Limits::default()).unwrap_err();
        assert_eq!(err.kind(), "old_wps");
        assert!(err.to_string().contains("Kingsoft WPS"), "{err}");
        // A WPS for DOS file: no OLE2 file at all, refused by its name alone.
        let dos: Vec<u8> = (0..2048u32).map(|i| (i * 37 % 256) as u8).collect();
        let err = super::super::read_named(&dos, "dir/老文件.WPS", &crate::Limits::default())
            .unwrap_err();
        assert_eq!(err.kind(), "old_wps");
        assert!(err.to_string().contains("WPS for DOS"), "{err}");
        let text = "一、总体情况\n本年度共主动公开信息120条。\n".as_bytes();
        let err = super::super::read_named(text, "x.wps", &crate::Limits::default()).unwrap_err();
        assert_eq!(err.kind(), "old_wps");
        // Named otherwise, the same bytes are what they are.
        let read = super::super::read_named(text, "x.txt", &crate::Limits::default()).unwrap();
        assert_eq!(read.format, nianbao_format::Format::Text);
        let mut garbage = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
        garbage.extend([0u8; 600]);
        let err = super::super::read(&garbage, &crate::Limits::default()).unwrap_err();
        assert_eq!(err.kind(), "broken", "{err}");
    }

    #[test]
    fn spans_and_merges_become_the_grid() {
        let word = WordDocument {
            blocks: vec![
                Block::Paragraph("标题\n副标题".into()),
                Block::Table(Table {
                    rows: vec![
                        Row {
                            leading: 0,
                            cells: vec![
                                cell("三、", 1, VerticalMerge::Restart),
                                cell("申请人情况", 2, VerticalMerge::None),
                            ],
                        },
                        Row {
                            leading: 0,
                            cells: vec![
                                cell("", 1, VerticalMerge::Continue),
                                cell("自然人", 1, VerticalMerge::None),
                                cell("7\n件", 1, VerticalMerge::None),
                            ],
                        },
                        Row {
                            leading: 1,
                            cells: vec![cell("x", 2, VerticalMerge::None)],
                        },
                    ],
                }),
            ],
            objects: 2,
        };
        let doc = assemble(&word, &ReadLimits::default());
        assert_eq!(
            doc.blocks[..2],
            [
                DocBlock::Paragraph("标题".into()),
                DocBlock::Paragraph("副标题".into())
            ]
        );
        let DocBlock::Table(g) = &doc.blocks[2] else {
            panic!("{:?}", doc.blocks)
        };
        assert_eq!(
            g.texts(),
            vec![
                vec!["三、", "申请人情况", "申请人情况"],
                vec!["三、", "自然人", "7\n件"],
                vec!["", "x", "x"]
            ]
        );
        assert_eq!(g.rows[1][0].origin, (0, 0));
        assert_eq!(doc.images, 2);
    }
}
