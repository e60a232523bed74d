//! nianbao-extract reads one annual report (政府信息公开工作年度报告) in any of the forms agencies
//! publish and recovers its standard tables as canonical, checked cells.
//!
//! The pipeline runs one way, one module per step:
//!
//! 1. [`read()`] is the one entry point of the readers: `nianbao_format` sniffs the container
//!    from the bytes (zip, OFD zip, PDF, OLE2, markup, text), never the name, and decodes text
//!    (BOM, UTF-8, declared charset, detection); the reader of the format (`read/html.rs`,
//!    `docx.rs`, `doc.rs` on nianbao-doc, `text.rs`, `markdown.rs`, `pdf.rs`, `ofd.rs` on the
//!    PDF reader's layout) produces the common [`Document`]: paragraphs and
//!    tables in reading order, tables as grids with spans expanded. What cannot be read is a
//!    typed [`ReadError`].
//! 2. `items` flattens the document into one sequence of cells, the form in which a table
//!    printed as a grid, a table flattened to one cell a line, and a table whose cells ran
//!    together all look alike.
//! 3. `align` finds the template's rows by their keywords and reads their values;
//!    `solve` splits digit runs whose separators were lost, with the consistency rules as the
//!    judge and the numbers the prose states (`facts`) as soft evidence.
//! 4. `cells` types every value for its key; the schema crate's checks run over the result.
//!
//! Printed values are never corrected: an inconsistent table comes out as printed, with the
//! failed check.
//!
//! Every step is bounded by [`Limits`], whatever the input: its size, the DOCX container
//! (entries, inflated size, compression ratio, XML depth; DTD entities are never expanded), a
//! Word binary file (stream sizes, characters, pieces, property pages), a PDF (decoded bytes
//! in every filter chain, pages, operators, glyphs, nested drawings), an OFD (entries,
//! inflated bytes per part and in all, compression ratio, XML depth, pages, characters), the
//! document built (paragraphs, and table cells, text, rows, columns, spans, cell length and
//! nesting, with one budget per document) and the solver's work. A container past a limit is
//! an error; what the document limits cut is a warning of the report.

mod align;
mod assemble;
mod cells;
mod columns;
mod confidence;
mod document;
mod facts;
mod items;
mod meta;
mod normalize;
mod read;
mod solve;

use std::io::Read as _;
use std::path::Path;

use nianbao_schema::{run_checks, Report, Source};

pub use crate::document::{Block, Document, Grid, GridCell, ReadLimits};
pub use crate::facts::{narrative, Base, Measure, Narrative, Section, Statement, Unit};
pub use crate::read::docx::DocxLimits;
pub use crate::read::ofd::OfdLimits;
pub use crate::read::pdf::PdfLimits;
#[cfg(feature = "ocr")]
pub use crate::read::scan::{
    decode_image, read_scanned_page, read_scanned_pages, ScanError, ScannedPage,
};
pub use crate::read::{read, read_named, Read, ReadError};
pub use crate::solve::Budget as SolverBudget;
pub use nianbao_doc::DocLimits;
pub use nianbao_format::Format;
#[cfg(feature = "ocr")]
pub use nianbao_ocr::GrayImage;

/// Drops the calling thread's OCR engine (with the `ocr` feature; nothing without it): a thread
/// pool that read scans calls it on each thread when done, so that Tesseract does not warn of
/// models still held at exit.
pub fn release_ocr_engine() {
    #[cfg(feature = "ocr")]
    read::scan::release_engine();
}

/// Internals the fuzz targets and the hostile-input suite drive directly. Not a stable API.
#[doc(hidden)]
pub mod internals {
    pub use crate::read::{doc, docx, html, markdown, ofd, pdf, text};
    pub use crate::solve::{solve, Budget, RunForm, RunRow};

    /// Runs the solver on bytes the way the `solver` fuzz target reads them: the first byte
    /// picks the template (bit 0) and the layout of table 三 (bit 1); every following line is
    /// one row, its first byte picking the template row, the rest the run. The hostile-input
    /// suite replays the fuzzer's reproducers through this same function.
    pub fn solve_fuzz_input(data: &[u8]) {
        use nianbao_schema::Template;
        let Some((&head, rest)) = data.split_first() else {
            return;
        };
        let template = if head & 1 == 0 {
            Template::V2021
        } else {
            Template::V2019
        };
        let specs = template.rows();
        let rows: Vec<RunRow> = rest
            .split(|b| *b == b'\n')
            .take(64)
            .filter_map(|line| {
                let (&pick, run) = line.split_first()?;
                let spec = &specs[usize::from(pick) % specs.len()];
                Some(RunRow::new(spec, String::from_utf8_lossy(run)))
            })
            .collect();
        let keys: Vec<&str> = rows
            .iter()
            .flat_map(|r| r.columns.iter().map(|(k, _)| k.as_str()))
            .collect();
        let equations =
            nianbao_schema::checks::equations(keys, head & 2 != 0 || template == Template::V2019);
        let _ = solve(
            &rows,
            &Default::default(),
            &equations,
            &[],
            &Budget::default(),
        );
    }
}

/// Why a document could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    /// The file could not be read from disk.
    #[error("{path}: cannot read file: {source}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The bytes are not a document this tool reads.
    #[error("{path}: {source}")]
    Unreadable {
        /// The path.
        path: String,
        /// What is wrong.
        source: ReadError,
    },
}

impl ExtractError {
    /// A short, stable name of the kind of failure (`io`, or [`ReadError::kind`]).
    pub fn kind(&self) -> &'static str {
        match self {
            ExtractError::Io { .. } => "io",
            ExtractError::Unreadable { source, .. } => source.kind(),
        }
    }
}

/// Limits that keep hostile input bounded in time and memory. Input past a container limit
/// is an error; what the table limits cut is a warning of the report.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest input accepted, in bytes.
    pub max_input_bytes: u64,
    /// Limits on DOCX containers.
    pub docx: read::docx::DocxLimits,
    /// Limits on PDFs.
    pub pdf: read::pdf::PdfLimits,
    /// Limits on Word 97–2003 binary documents (`.doc`, `.wps`).
    pub doc: nianbao_doc::DocLimits,
    /// Limits on OFD documents.
    pub ofd: read::ofd::OfdLimits,
    /// Limits on what the readers build: paragraphs, and tables' cells, text, rows, columns,
    /// spans, cell length and nesting.
    pub read: document::ReadLimits,
    /// The work the run-together digit solver may spend.
    pub solver: solve::Budget,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 64 << 20,
            docx: read::docx::DocxLimits::default(),
            pdf: read::pdf::PdfLimits::default(),
            doc: nianbao_doc::DocLimits::default(),
            ofd: read::ofd::OfdLimits::default(),
            read: document::ReadLimits::default(),
            solver: solve::Budget::default(),
        }
    }
}

/// Extracts a report from bytes; `path` names the source in the report and in errors.
pub fn extract_bytes(bytes: &[u8], path: &str, limits: &Limits) -> Result<Report, ExtractError> {
    extract_bytes_and(bytes, path, limits, |_| ()).map(|(report, ())| report)
}

/// [`extract_bytes`], and what the report's prose states ([`narrative`]), read from the same
/// document (for the dataset's `facts` table and `N` checks).
pub fn extract_bytes_with_narrative(
    bytes: &[u8],
    path: &str,
    limits: &Limits,
) -> Result<(Report, Narrative), ExtractError> {
    extract_bytes_and(bytes, path, limits, narrative)
}

/// Reads the document, builds its report, and gives the document to `also` as well.
fn extract_bytes_and<T>(
    bytes: &[u8],
    path: &str,
    limits: &Limits,
    also: impl FnOnce(&Document) -> T,
) -> Result<(Report, T), ExtractError> {
    let read =
        read::read_named(bytes, path, limits).map_err(|source| ExtractError::Unreadable {
            path: path.to_string(),
            source,
        })?;
    let source = Source {
        path: path.to_string(),
        sha256: nianbao_format::sha256_hex(bytes),
        format: read.format.name().to_string(),
        encoding: read.encoding.map(str::to_string),
    };
    let report = report_from_document_with(&read.document, source, Vec::new(), &limits.solver);
    Ok((report, also(&read.document)))
}

/// Reads and extracts one file.
pub fn extract_file(path: &Path, limits: &Limits) -> Result<Report, ExtractError> {
    let bytes = read_file(path, limits.max_input_bytes)?;
    extract_bytes(&bytes, &path.display().to_string(), limits)
}

/// Reads a file of at most `max_bytes` bytes; a larger one is an error before it is read
/// whole, also when its size is not known in advance (a pipe, `/dev/zero`).
pub fn read_file(path: &Path, max_bytes: u64) -> Result<Vec<u8>, ExtractError> {
    let name = path.display().to_string();
    let io = |source| ExtractError::Io {
        path: name.clone(),
        source,
    };
    let too_large = |size| ExtractError::Unreadable {
        path: name.clone(),
        source: ReadError::TooLarge {
            size,
            limit: max_bytes,
        },
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    if size > max_bytes {
        return Err(too_large(size));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Aligns a decoded document with the templates and builds the checked report.
pub fn report_from_document(doc: &Document, source: Source, warnings: Vec<String>) -> Report {
    report_from_document_with(doc, source, warnings, &solve::Budget::default())
}

/// [`report_from_document`] with the run-together solver held to `budget`.
pub fn report_from_document_with(
    doc: &Document,
    source: Source,
    mut warnings: Vec<String>,
    budget: &solve::Budget,
) -> Report {
    warnings.extend(doc.warnings.iter().cloned());
    let items = items::items(doc);
    let alignment = align::align(&items);
    let mut meta = meta::read_meta(doc);
    meta.template = alignment.template.map(|t| t.name().to_string());
    let read = cells::read_cells(
        &items,
        &alignment,
        budget,
        &facts::prose_facts(doc),
        doc.layout.as_ref(),
    );
    warnings.extend(read.warnings);
    if alignment.template.is_none() {
        warnings.push(
            "no standard table (二 主动公开 / 三 依申请公开 / 四 复议诉讼) of the 2019 or 2021 format was found".into(),
        );
        if doc.images > 0 {
            warnings.push(format!(
                "the document shows {} image(s): tables printed as images are not read (OCR them, or use the DOCX or text form)",
                doc.images
            ));
        }
    }
    if !alignment.read_apart.is_empty() {
        warnings.push(format!(
            "table 三 rows {} were read from values printed apart from their labels (text in reading order): the row they belong to follows from where they stand, which the rules cannot confirm among the rows of results",
            alignment.read_apart.join(", ")
        ));
    }
    if alignment.single_other_in_2021 {
        warnings.push(
            "table 三 prints （六）其他处理 as one row (the 2019 layout) in a 2021 table: given as table3.result.other.total.*, its three sub-rows are missing".into(),
        );
    }
    let checks = run_checks(&read.cells);
    warnings.extend(confidence::warnings(&read.cells, &checks, &read.confidence));
    Report {
        source,
        report: meta,
        cells: read.cells,
        checks,
        warnings,
    }
}
