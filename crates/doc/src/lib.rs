//! nianbao-doc reads Word 97–2003 binary documents (`.doc`, [MS-DOC]) — and Kingsoft WPS
//! `.wps` files, which current WPS Office writes in the same format — into a small model of
//! their own: paragraphs, and tables of rows of cells with their spans ([`WordDocument`]).
//! The extractor turns that model into its common document (`read/doc.rs` in nianbao-extract).
//!
//! # Why a reader of our own
//!
//! The Rust crates on crates.io that read `.doc` (as of this writing) come inside large
//! multi-format converters and extraction libraries (`kreuzberg`, `xberg`, `docling`,
//! `kakemono`; `extend-docx` turns the `.doc` into an Office Open XML package for its DOCX
//! model) or text chunkers (`rs-chunks`), most with compound-file parsers of their own and
//! stringly errors. None is a small reader that gives the table structure nianbao needs (rows,
//! cells, horizontal and vertical merges) within limits, with typed errors. So this crate reads
//! just the main text and its tables (about 1,100 lines) on top of the maintained, widely used
//! `cfb` crate (MIT) for the OLE2 container.
//!
//! # The steps
//!
//! 1. **Container.** `cfb` opens the OLE2 compound file; its own checks refuse sector chains
//!    that loop, sectors pointed to twice, and chains that run past the file. A file without a
//!    `WordDocument` stream is [`DocError::OtherCompoundFile`], with what its streams say it
//!    is ([`CompoundKind`]: an `.xls` has a `Workbook` stream, a Works `.wps` a `CONTENTS`
//!    stream; a `.wps` of Kingsoft WPS's own older formats is none of those). Each stream is
//!    read up to [`DocLimits::max_stream_bytes`].
//! 2. **FIB** (`fib.rs`). The File Information Block at the start of `WordDocument`: Word 6/95
//!    files ([`DocError::OldWord`]) and encrypted ones ([`DocError::Encrypted`]) are refused;
//!    `fWhichTblStm` names the table stream (`0Table` or `1Table`); `lid`/`lidFE` give the
//!    code page of 8-bit text; `ccpText` is the length of the main text; `fcClx` and
//!    `fcPlcfBtePapx` locate the piece table and the paragraph properties.
//! 3. **Text** (`pieces.rs`). The piece table (CLX) maps the main text's character positions
//!    to bytes of `WordDocument`: 16-bit pieces are UTF-16LE, 8-bit pieces Windows-1252 as the
//!    format says, or GBK/Big5 when the document's language is Chinese and the piece reads as
//!    such (some writers other than Word put the ANSI code page there). Each character keeps
//!    its stream offset (FC). A piece outside its stream is an error, never a panic.
//! 4. **Paragraph properties** (`props.rs`). The PlcBtePapx names 512-byte pages (PapxFkp)
//!    mapping FC ranges to property modifiers (sprms): `sprmPFInTable`/`sprmPItap` (in a table,
//!    at what depth), `sprmPFTtp` (the end-of-row mark). The end-of-row mark's properties
//!    define the row: `sprmTDefTable` (cell edges in twips, and a TC80 per cell with its
//!    `fMerged` horizontal and `vertMerge` vertical flags), then `sprmTMerge`/`sprmTSplit` and
//!    `sprmTVertMerge`.
//! 5. **Structure** (`build.rs`). The main text, character by character: 0x0D ends a
//!    paragraph (inside a cell, a line of the cell), 0x07 ends a cell (and, with `sprmPFTtp`,
//!    a row), 0x0B is a line break, 0x0C a page break; fields (0x13 instruction 0x14 result
//!    0x15) keep their result; pictures and objects (0x01, 0x08) are counted and dropped.
//!    Nested tables (`sprmPItap` above 1, their cells and rows ended by 0x0D with
//!    `sprmPFInnerTableCell`/`sprmPFInnerTtp`) are blocks of the cell that holds them. A
//!    table's grid is the union of all its rows' cell edges: a cell spans the grid columns
//!    between its edges (LibreOffice writes a merged cell as one wide cell), cells flagged
//!    `fMerged` fold into the cell on their left, and `vertMerge` marks restarts and
//!    continuations of vertical merges.

#![deny(missing_docs)]

mod build;
mod fib;
mod pieces;
mod props;

use std::io::{Cursor, Read};

pub use props::VerticalMerge;

/// A Word document as this crate reads it: paragraphs and tables in reading order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WordDocument {
    /// Paragraphs and tables, in reading order.
    pub blocks: Vec<Block>,
    /// Pictures and embedded or drawn objects in the main text (dropped).
    pub objects: usize,
}

/// A paragraph or a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A paragraph's text; line breaks inside it are `\n`.
    Paragraph(String),
    /// A table.
    Table(Table),
}

/// A table: rows of cells.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// The rows, top to bottom.
    pub rows: Vec<Row>,
}

/// A row of a table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    /// Grid columns left empty before the first cell (a row that starts to the right of the
    /// table's left edge).
    pub leading: usize,
    /// The cells, left to right.
    pub cells: Vec<Cell>,
}

/// A cell of a row.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The cell's paragraphs and nested tables, in reading order.
    pub blocks: Vec<Block>,
    /// Grid columns the cell covers (more than 1 for a horizontally merged cell).
    pub cols: usize,
    /// How the cell joins the cell above.
    pub vertical: VerticalMerge,
}

impl Cell {
    /// The text of the cell's paragraphs (not of its nested tables), joined by `\n`.
    pub fn text(&self) -> String {
        let mut text = String::new();
        for block in &self.blocks {
            if let Block::Paragraph(p) = block {
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(p);
            }
        }
        text
    }
}

/// Limits that keep hostile input bounded. Past a limit the document is refused.
#[derive(Debug, Clone)]
pub struct DocLimits {
    /// Largest stream read out of the compound file, in bytes.
    pub max_stream_bytes: u64,
    /// Most characters of main text.
    pub max_chars: u32,
    /// Most pieces in the piece table.
    pub max_pieces: usize,
    /// Most paragraph-property pages.
    pub max_property_pages: usize,
}

impl Default for DocLimits {
    fn default() -> Self {
        DocLimits {
            max_stream_bytes: 64 << 20,
            // 8 bytes a character while it is read: 32 MiB at most.
            max_chars: 4 << 20,
            max_pieces: 1 << 16,
            // 8 MiB of pages, some 400,000 paragraphs.
            max_property_pages: 1 << 14,
        }
    }
}

/// Why a file could not be read as a Word document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocError {
    /// Not an OLE2 compound file, or one too damaged to open.
    #[error("not a readable OLE2 compound file: {0}")]
    NotCompoundFile(String),
    /// A compound file whose `WordDocument` stream is not a Word document's.
    #[error("not a Word document: {0}")]
    NotWord(String),
    /// A compound file without a `WordDocument` stream: another program's file.
    #[error(
        "not a Word document: an OLE2 compound file without a WordDocument stream, {kind} (its streams: {streams})"
    )]
    OtherCompoundFile {
        /// What its streams say it is.
        kind: CompoundKind,
        /// Its first few root streams, comma-separated (`none` when it has none).
        streams: String,
    },
    /// A Word 6 or Word 95 document (another layout).
    #[error(
        "a Word 6/95 document (nFib 0x{0:04X}): only Word 97-2003 documents are read; save it as DOCX"
    )]
    OldWord(u16),
    /// A password-protected (encrypted or obfuscated) document.
    #[error("the Word document is encrypted (password-protected)")]
    Encrypted,
    /// A damaged or truncated Word document.
    #[error("damaged Word document: {0}")]
    Broken(String),
    /// Past one of the [`DocLimits`].
    #[error("Word document over a limit: {0}")]
    OverLimit(String),
}

/// Reads a Word binary document from its bytes, within `limits`.
pub fn read(bytes: &[u8], limits: &DocLimits) -> Result<WordDocument, DocError> {
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|e| DocError::NotCompoundFile(e.to_string()))?;
    if !file.is_stream("/WordDocument") {
        return Err(other_compound_file(&file));
    }
    let word = read_stream(&mut file, "/WordDocument", limits)?;
    let fib = fib::Fib::parse(&word)?;
    if fib.ccp_text > limits.max_chars {
        return Err(DocError::OverLimit(format!(
            "the text has {} characters, more than the limit {}",
            fib.ccp_text, limits.max_chars
        )));
    }
    let table_path = format!("/{}", fib.table_stream);
    if !file.is_stream(&table_path) {
        return Err(DocError::Broken(format!(
            "the table stream {} is missing",
            fib.table_stream
        )));
    }
    let table = read_stream(&mut file, &table_path, limits)?;
    let pieces = pieces::parse(fib.clx.of(&table, "piece table (CLX)")?, limits)?;
    let code_page = pieces::CodePage::from_languages(fib.lid_fe, fib.lid);
    let chars = pieces::text(&pieces, &word, fib.ccp_text, code_page)?;
    let papx = props::ParagraphIndex::parse(
        fib.plcf_bte_papx
            .of(&table, "paragraph property index (PlcBtePapx)")?,
        &word,
        limits,
    )?;
    // Paragraph properties too large for their page are in the Data stream.
    let data = if file.is_stream("/Data") {
        read_stream(&mut file, "/Data", limits)?
    } else {
        Vec::new()
    };
    Ok(build::build(&chars, &papx, &word, &data))
}

/// Reads a whole stream, refusing one larger than the limit (its declared size, and what is
/// actually read).
fn read_stream(
    file: &mut cfb::CompoundFile<Cursor<&[u8]>>,
    path: &str,
    limits: &DocLimits,
) -> Result<Vec<u8>, DocError> {
    let over = |size: u64| {
        DocError::OverLimit(format!(
            "the {} stream has {size} bytes, more than the limit {}",
            path.trim_start_matches('/'),
            limits.max_stream_bytes
        ))
    };
    let mut stream = file
        .open_stream(path)
        .map_err(|e| DocError::Broken(format!("the {path} stream cannot be opened: {e}")))?;
    let declared = stream.len();
    if declared > limits.max_stream_bytes {
        return Err(over(declared));
    }
    let mut bytes = Vec::with_capacity(declared as usize);
    stream
        .by_ref()
        .take(limits.max_stream_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| DocError::Broken(format!("the {path} stream cannot be read: {e}")))?;
    if bytes.len() as u64 > limits.max_stream_bytes {
        return Err(over(bytes.len() as u64));
    }
    Ok(bytes)
}

/// What an OLE2 compound file without a `WordDocument` stream is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompoundKind {
    /// An Excel 97–2003 spreadsheet (a `Workbook` or `Book` stream).
    Spreadsheet,
    /// A PowerPoint 97–2003 presentation (a `PowerPoint Document` stream).
    Presentation,
    /// A Microsoft Works word-processor document, also named `.wps` (a `CONTENTS` or `MN0`
    /// stream).
    Works,
    /// Streams of no format known here: named `.wps`, most likely a document of one of Kingsoft
    /// WPS's own older formats (current WPS Office writes Word's).
    Unknown,
}

impl std::fmt::Display for CompoundKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CompoundKind::Spreadsheet => "an Excel spreadsheet (.xls)",
            CompoundKind::Presentation => "a PowerPoint presentation (.ppt)",
            CompoundKind::Works => {
                "a Microsoft Works document (.wps), which is not read; save it as DOCX"
            }
            CompoundKind::Unknown => {
                "another program's file: if it is a .wps, one of Kingsoft WPS's own older \
                 formats, which is not read; save it as DOCX from WPS Office"
            }
        })
    }
}

/// The error for an OLE2 file without a `WordDocument` stream, saying from its streams what
/// it seems to be.
fn other_compound_file(file: &cfb::CompoundFile<Cursor<&[u8]>>) -> DocError {
    let names: Vec<String> = file
        .read_root_storage()
        .map(|e| e.name().to_string())
        .take(8)
        .collect();
    let has = |name: &str| names.iter().any(|n| n.eq_ignore_ascii_case(name));
    let kind = if has("Workbook") || has("Book") {
        CompoundKind::Spreadsheet
    } else if has("PowerPoint Document") {
        CompoundKind::Presentation
    } else if has("CONTENTS") || has("MN0") {
        CompoundKind::Works
    } else {
        CompoundKind::Unknown
    };
    DocError::OtherCompoundFile {
        kind,
        streams: if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ")
        },
    }
}
