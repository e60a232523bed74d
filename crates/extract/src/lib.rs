//! nianbao-extract reads one annual report (政府信息公开工作年度报告) in any of the forms agencies
//! publish and recovers its standard tables as canonical, checked cells.
//!
//! The pipeline runs one way, one module per step:
//!
//! 1. [`read::sniff`] tells the container from the bytes (zip, markup, text), never the name;
//!    [`decode`] turns text bytes into a string (BOM, UTF-8, declared charset, detection).
//! 2. One reader per format ([`read::html`], [`read::docx`], [`read::text`],
//!    [`read::markdown`], [`read::pdf`]) produces the common [`document::Document`]: paragraphs and tables in
//!    reading order, tables as grids with spans expanded.
//! 3. [`items`] flattens the document into one sequence of cells, the form in which a table
//!    printed as a grid, a table flattened to one cell a line, and a table whose cells ran
//!    together all look alike.
//! 4. [`align`] finds the template's rows by their keywords and reads their values;
//!    [`solve`] splits digit runs whose separators were lost, with the consistency rules as the
//!    judge and the numbers the prose states ([`facts`]) as soft evidence.
//! 5. [`cells`] types every value for its key; the schema crate's checks run over the result.
//!
//! Printed values are never corrected: an inconsistent table comes out as printed, with the
//! failed check.
//!
//! Every step is bounded by [`Limits`], whatever the input: its size, the DOCX container
//! (entries, inflated size, compression ratio, XML depth; DTD entities are never expanded), a
//! PDF (decoded bytes in every filter chain, pages, operators, glyphs, nested drawings), the
//! document built (paragraphs, and table cells, text, rows, columns, spans, cell length and
//! nesting, with one budget per document) and the solver's work. A container past a limit is
//! an error; what the document limits cut is a warning of the report.

pub mod align;
pub mod assemble;
pub mod cells;
pub mod decode;
pub mod document;
pub mod facts;
pub mod items;
pub mod meta;
pub mod normalize;
pub mod read;
pub mod solve;

use std::path::Path;

use nianbao_schema::{run_checks, Report, Source};
use sha2::{Digest, Sha256};

use crate::document::Document;
use crate::read::{Format, Sniffed};

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
    #[error("{path}: {reason}")]
    Unreadable {
        /// The path.
        path: String,
        /// What is wrong, for a person.
        reason: String,
    },
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
            read: document::ReadLimits::default(),
            solver: solve::Budget::default(),
        }
    }
}

/// Extracts a report from bytes; `path` names the source in the report and in errors.
pub fn extract_bytes(bytes: &[u8], path: &str, limits: &Limits) -> Result<Report, ExtractError> {
    let unreadable = |reason: String| ExtractError::Unreadable {
        path: path.to_string(),
        reason,
    };
    if bytes.len() as u64 > limits.max_input_bytes {
        return Err(unreadable(format!(
            "{} bytes, more than the input limit of {} bytes",
            bytes.len(),
            limits.max_input_bytes
        )));
    }
    let mut warnings = Vec::new();
    let (doc, format, encoding) = match read::sniff(bytes).map_err(unreadable)? {
        Sniffed::Zip => (
            read::docx::read_with(bytes, &limits.docx, &limits.read).map_err(unreadable)?,
            Format::Docx,
            None,
        ),
        Sniffed::Pdf => (
            read::pdf::read_with(bytes, &limits.pdf, &limits.read).map_err(unreadable)?,
            Format::Pdf,
            None,
        ),
        sniffed => {
            let decoded = decode::decode(bytes, sniffed == Sniffed::Markup);
            if !read::is_text(&decoded.text) {
                return Err(unreadable(
                    "not a document: binary data that decodes to no text".into(),
                ));
            }
            if decoded.had_errors {
                warnings.push(format!(
                    "the bytes are not valid {}: malformed sequences were replaced",
                    decoded.encoding
                ));
            }
            let text = &decoded.text;
            let within = &limits.read;
            let (doc, format) = if sniffed == Sniffed::Markup {
                (read::html::read_with(text, within), Format::Html)
            } else if read::markdown::looks_like_markdown(text) {
                (read::markdown::read_with(text, within), Format::Markdown)
            } else {
                (read::text::read_with(text, within), Format::Text)
            };
            (doc, format, Some(decoded.encoding.to_string()))
        }
    };
    let source = Source {
        path: path.to_string(),
        sha256: hex_sha256(bytes),
        format: format.name().to_string(),
        encoding,
    };
    Ok(report_from_document_with(
        &doc,
        source,
        warnings,
        &limits.solver,
    ))
}

/// Reads and extracts one file.
pub fn extract_file(path: &Path, limits: &Limits) -> Result<Report, ExtractError> {
    let name = path.display().to_string();
    let io = |source| ExtractError::Io {
        path: name.clone(),
        source,
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > limits.max_input_bytes {
        return Err(ExtractError::Unreadable {
            path: name.clone(),
            reason: format!(
                "{size} bytes, more than the input limit of {} bytes",
                limits.max_input_bytes
            ),
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    extract_bytes(&bytes, &name, limits)
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
    let read = cells::read_cells(&items, &alignment, budget, &facts::prose_facts(doc));
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
    if alignment.single_other_in_2021 {
        warnings.push(
            "table 三 prints （六）其他处理 as one row (the 2019 layout) in a 2021 table: given as table3.result.other.total.*, its three sub-rows are missing".into(),
        );
    }
    let checks = run_checks(&read.cells);
    Report {
        source,
        report: meta,
        cells: read.cells,
        checks,
        warnings,
    }
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
