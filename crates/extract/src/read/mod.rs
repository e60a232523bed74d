//! One reader per input format, each producing a [`Document`], behind one entry point,
//! [`read`]: the format is sniffed from the bytes (never from the file name, see
//! [`nianbao_format`]), text formats are decoded first, and the reader of the format builds the
//! document within the [`Limits`]. Adding a format means a module here, a row in
//! `nianbao_format`'s table and an arm in [`read`].

pub mod doc;
pub mod docx;
pub mod html;
pub mod markdown;
pub mod ofd;
mod package;
pub mod pdf;
#[cfg(feature = "ocr")]
pub mod scan;
pub mod text;

use nianbao_format::{decode, is_text, sniff, Format, NotDocument, Sniffed};

use crate::document::Document;
use crate::Limits;

/// A document read from bytes, with what was learnt about its form.
#[derive(Debug)]
pub struct Read {
    /// The document.
    pub document: Document,
    /// The format it was read as.
    pub format: Format,
    /// The character encoding text formats were decoded from (`UTF-8`, `gb18030`, …).
    pub encoding: Option<&'static str>,
}

/// Why bytes could not be read as a document. The message is for a person; [`ReadError::kind`]
/// is for counting.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The bytes are not a document nianbao reads (empty, an image, an archive, …).
    #[error(transparent)]
    NotDocument(#[from] NotDocument),
    /// Larger than [`Limits::max_input_bytes`].
    #[error("{size} bytes, more than the input limit of {limit} bytes")]
    TooLarge {
        /// The size of the input.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// Text bytes that decode to binary noise.
    #[error("not a document: binary data that decodes to no text")]
    Binary,
    /// A container past a limit: a zip or PDF bomb, too many entries, nesting too deep.
    #[error("{0}")]
    OverLimit(String),
    /// An Office binary file that is not a Word 97–2003 document (an `.xls`, a `.ppt`, a Word
    /// 6/95 document).
    #[error("{0}")]
    LegacyOffice(String),
    /// A `.wps` word-processor file of a format older than Word's binary one, which current
    /// WPS Office writes: an OLE2 file of Kingsoft WPS's own or Microsoft Works (no
    /// `WordDocument` stream), or a file named `.wps` that is no OLE2 file at all (WPS for DOS,
    /// before 2000).
    #[error("{0}")]
    OldWps(String),
    /// A damaged or malformed container.
    #[error("{0}")]
    Broken(String),
    /// An encrypted document.
    #[error("{0}")]
    Encrypted(String),
    /// A PDF without a text layer (a scan).
    #[error("{0}")]
    NoTextLayer(String),
    /// A text layer whose fonts cannot be mapped to Unicode.
    #[error("{0}")]
    Undecodable(String),
    /// A scanned image that could not be read (the OCR engine missing, an image that does not
    /// decode, a limit).
    #[cfg(feature = "ocr")]
    #[error(transparent)]
    Scan(#[from] scan::ScanError),
}

impl ReadError {
    /// A short, stable name of the kind of failure (`legacy_office`, `zip_bomb`, …), for the
    /// dataset's `error_kind` column.
    pub fn kind(&self) -> &'static str {
        match self {
            ReadError::NotDocument(NotDocument::Empty) => "empty",
            ReadError::NotDocument(NotDocument::Rtf) => "rtf",
            ReadError::NotDocument(NotDocument::Image(_) | NotDocument::ScanWithoutOcr(_)) => {
                "image"
            }
            ReadError::NotDocument(NotDocument::Archive(_)) => "archive",
            ReadError::TooLarge { .. } => "too_large",
            ReadError::Binary => "binary",
            ReadError::LegacyOffice(_) => "legacy_office",
            ReadError::OldWps(_) => "old_wps",
            ReadError::OverLimit(_) => "over_limit",
            ReadError::Broken(_) => "broken",
            ReadError::Encrypted(_) => "encrypted",
            ReadError::NoTextLayer(_) => "no_text_layer",
            ReadError::Undecodable(_) => "undecodable",
            #[cfg(feature = "ocr")]
            ReadError::Scan(scan::ScanError::Ocr(nianbao_ocr::OcrError::EngineMissing {
                ..
            })) => "ocr_engine_missing",
            #[cfg(feature = "ocr")]
            ReadError::Scan(scan::ScanError::Ocr(nianbao_ocr::OcrError::OverLimit { .. })) => {
                "over_limit"
            }
            #[cfg(feature = "ocr")]
            ReadError::Scan(scan::ScanError::Pdf(e)) => match e {
                nianbao_pdf::PdfError::Encrypted => "encrypted",
                nianbao_pdf::PdfError::Broken => "broken",
                _ => "over_limit",
            },
            #[cfg(feature = "ocr")]
            ReadError::Scan(_) => "bad_image",
        }
    }
}

/// A report whose text holds no standard table but that shows pictures (tables pasted as
/// pictures into a DOCX or a PDF): its pictures, which
/// `pictures` decodes (the first [`scan::MAX_SCANNED_PAGES`] of them, and whether there were
/// more), are read by OCR and what they hold follows the text, with a warning that says so. A
/// picture that does not decode or is too small to read is passed over, and pictures that
/// cannot be read at all (a limit) leave the text as it is, with a warning; a missing OCR engine
/// is an error. Only a report is tried: its paragraphs name 政府信息公开 (other documents' photos
/// are not read).
#[cfg(feature = "ocr")]
fn with_pictured_tables(
    mut document: Document,
    pictures: impl FnOnce()
        -> Result<(Vec<Result<scan::ScannedPage, scan::ScanError>>, bool), ReadError>,
    limits: &Limits,
) -> Result<Document, ReadError> {
    use scan::ScanError;
    let engine_missing = |e: &ScanError| {
        matches!(
            e,
            ScanError::Ocr(nianbao_ocr::OcrError::EngineMissing { .. })
        )
    };
    let names_disclosure = document
        .blocks
        .iter()
        .any(|b| matches!(b, crate::document::Block::Paragraph(p) if p.contains("政府信息公开")));
    if document.images == 0
        || !names_disclosure
        || crate::align::align(&crate::items::items(&document))
            .template
            .is_some()
    {
        return Ok(document);
    }
    let (pictures, more) = match pictures() {
        Ok(pictures) => pictures,
        Err(e) => {
            document.warnings.push(format!(
                "the document's pictures could not be read by OCR: {e}"
            ));
            return Ok(document);
        }
    };
    let tried = pictures.len();
    let mut read = 0;
    for picture in pictures {
        match picture.and_then(|page| scan::read_scanned_pages(&[page], &limits.read)) {
            Ok(ocr) => {
                document.blocks.extend(ocr.blocks);
                document.warnings.extend(ocr.warnings);
                read += 1;
            }
            Err(e) if engine_missing(&e) => return Err(e.into()),
            Err(_) => {}
        }
    }
    if read > 0 {
        document.warnings.push(format!(
            "the text holds no standard table: {read} of its {tried} picture(s) were read by OCR{}",
            match more {
                true => format!(" (only the first {} were tried)", scan::MAX_SCANNED_PAGES),
                false => String::new(),
            }
        ));
    }
    Ok(document)
}

/// Reads a document from its bytes, whatever its format, within `limits`.
pub fn read(bytes: &[u8], limits: &Limits) -> Result<Read, ReadError> {
    if bytes.len() as u64 > limits.max_input_bytes {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit: limits.max_input_bytes,
        });
    }
    let binary = |document, format| Read {
        document,
        format,
        encoding: None,
    };
    let sniffed = sniff(bytes)?;
    match sniffed {
        Sniffed::Zip => {
            let document = docx::read_with(bytes, &limits.docx, &limits.read)?;
            #[cfg(feature = "ocr")]
            let document = with_pictured_tables(
                document,
                || {
                    let pictures = docx::pictures(bytes, &limits.docx)?;
                    let more = pictures.len() > scan::MAX_SCANNED_PAGES;
                    let pages = pictures
                        .iter()
                        .take(scan::MAX_SCANNED_PAGES)
                        .map(|p| match p.width_mm {
                            Some(width) => scan::decode_drawn(&p.bytes, width),
                            None => scan::decode_image(&p.bytes),
                        })
                        .collect();
                    Ok((pages, more))
                },
                limits,
            )?;
            Ok(binary(document, Format::Docx))
        }
        Sniffed::Ofd => match ofd::read_with(bytes, &limits.ofd, &limits.read) {
            // A scan: its pages' images are read by OCR.
            #[cfg(feature = "ocr")]
            Err(ReadError::NoTextLayer(why)) => {
                let scans = ofd::page_scans(bytes, &limits.ofd)?;
                if scans.is_empty() {
                    return Err(ReadError::NoTextLayer(why));
                }
                let pages = scans
                    .iter()
                    .take(scan::MAX_SCANNED_PAGES)
                    .map(|s| scan::decode_drawn(&s.bytes, s.drawn_mm.0))
                    .collect::<Result<Vec<_>, _>>()?;
                let more = scans.len() > scan::MAX_SCANNED_PAGES;
                let document = scan::read_scans(&pages, more, "OFD", &limits.read)?;
                Ok(binary(document, Format::Ofd))
            }
            read => Ok(binary(read?, Format::Ofd)),
        },
        Sniffed::Ole2 => Ok(binary(
            doc::read_with(bytes, &limits.doc, &limits.read)?,
            Format::Doc,
        )),
        Sniffed::Pdf => match pdf::read_with(bytes, &limits.pdf, &limits.read) {
            // A scan: its page images are read by OCR.
            #[cfg(feature = "ocr")]
            Err(ReadError::NoTextLayer(why)) => {
                let scan = scan::scanned_pdf_pages(bytes, &limits.pdf)?;
                if scan.pages.is_empty() {
                    return Err(ReadError::NoTextLayer(why));
                }
                let pages = scan.pages.into_iter().collect::<Result<Vec<_>, _>>()?;
                let document = scan::read_scans(&pages, scan.more, "PDF", &limits.read)?;
                Ok(binary(document, Format::Pdf))
            }
            read => {
                let document = read?;
                // A text layer without the tables: they may be pictures on the pages.
                #[cfg(feature = "ocr")]
                let document = with_pictured_tables(
                    document,
                    || {
                        let scan = scan::scanned_pdf_pages(bytes, &limits.pdf)?;
                        Ok((scan.pages, scan.more))
                    },
                    limits,
                )?;
                Ok(binary(document, Format::Pdf))
            }
        },
        #[cfg(feature = "ocr")]
        Sniffed::Image => {
            let page = scan::decode_image(bytes)?;
            Ok(binary(
                scan::read_scanned_pages(&[page], &limits.read)?,
                Format::Image,
            ))
        }
        Sniffed::Markup | Sniffed::Text => {
            let decoded = decode::decode(bytes, sniffed == Sniffed::Markup);
            if !is_text(&decoded.text) {
                return Err(ReadError::Binary);
            }
            let text = &decoded.text;
            let within = &limits.read;
            let (mut document, format) = if sniffed == Sniffed::Markup {
                (html::read_with(text, within), Format::Html)
            } else if markdown::looks_like_markdown(text) {
                (markdown::read_with(text, within), Format::Markdown)
            } else {
                (text::read_with(text, within), Format::Text)
            };
            if decoded.had_errors {
                document.warnings.insert(
                    0,
                    format!(
                        "the bytes are not valid {}: malformed sequences were replaced",
                        decoded.encoding
                    ),
                );
            }
            Ok(Read {
                document,
                format,
                encoding: Some(decoded.encoding),
            })
        }
    }
}

/// Reads a document from its bytes as [`read`] does, `name` (a file name or URL path) only
/// explaining a failure: a file named `.wps` that is no OLE2 compound file (a WPS for DOS
/// document, before 2000) is [`ReadError::OldWps`] instead of binary noise or text.
pub fn read_named(bytes: &[u8], name: &str, limits: &Limits) -> Result<Read, ReadError> {
    let named_wps = std::path::Path::new(name)
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("wps"));
    let result = read(bytes, limits);
    let as_text = match &result {
        Ok(read) => matches!(read.format, Format::Text | Format::Markdown),
        Err(e) => matches!(e, ReadError::Binary),
    };
    if named_wps && as_text {
        return Err(ReadError::OldWps(
            "a .wps file that is not an OLE2 compound file: a WPS for DOS document (before \
             2000), which is not read; open it in WPS Office and save it as DOCX"
                .into(),
        ));
    }
    result
}

/// The lines of `text`, as [`str::lines`] gives them (`\n` or `\r\n` ends a line), found
/// with a vectorised search.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut ends = memchr::memchr_iter(b'\n', text.as_bytes());
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let line = match ends.next() {
            Some(end) => {
                let line = &text[start..end];
                start = end + 1;
                line.strip_suffix('\r').unwrap_or(line)
            }
            None => {
                let line = &text[start..];
                start = text.len();
                line
            }
        };
        Some(line)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_split_as_the_standard_library_does() {
        for text in [
            "",
            "a",
            "a\n",
            "a\n\n",
            "\n",
            "a\r\nb\r\n",
            "a\rb\r",
            "一\n\n二\r\n\r\n",
        ] {
            assert_eq!(
                lines(text).collect::<Vec<_>>(),
                text.lines().collect::<Vec<_>>(),
                "{text:?}"
            );
        }
    }
}
