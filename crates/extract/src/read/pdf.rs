//! PDF → [`Document`]: the text layer (pdf-extract), one paragraph a line. A PDF prints a table
//! row as one line of its cells separated by spaces (`（一）予以公开 5 0 0 0 0 0 5`), so a line
//! that ends in numbers is cut into its label and one paragraph per number: the form of a
//! table flattened one cell a line, which the alignment reads.
//!
//! A PDF without a usable text layer is an error that says so: a scanned PDF (no text), or one
//! whose fonts carry no Unicode map (its text decodes to a few repeated characters). Before
//! pdf-extract sees the file, every Flate stream is inflated through a cap, because the PDF
//! parser inflates without one (PDF bombs); and a panic inside the parser is an error too.

use std::io::Read;
use std::sync::Once;

use super::ReadError;
use crate::document::{Block, Document, ReadLimits};
use crate::items::MAX_LABEL_CHARS;
use crate::normalize::{parse_cell, CellValue};

/// Limits on a PDF.
#[derive(Debug, Clone)]
pub struct PdfLimits {
    /// Most bytes all of its Flate streams may inflate to, together.
    pub max_inflated_bytes: u64,
}

impl Default for PdfLimits {
    fn default() -> Self {
        PdfLimits {
            max_inflated_bytes: 256 << 20,
        }
    }
}

/// Reads a PDF's text layer, building no more than `within` allows; the error says, for a
/// person, why it could not be read.
pub fn read_with(
    bytes: &[u8],
    limits: &PdfLimits,
    within: &ReadLimits,
) -> Result<Document, ReadError> {
    check_streams(bytes, limits.max_inflated_bytes).map_err(ReadError::OverLimit)?;
    quiet_parser_panics();
    // The parser recurses into nested objects: it gets a stack of its own, deeper than any
    // nesting `check_streams` lets through.
    let parsed = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("pdf".into())
            .stack_size(PARSER_STACK_BYTES)
            .spawn_scoped(scope, || {
                std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(bytes))
            })
            .map_err(|e| format!("cannot start the PDF parser: {e}"))?
            .join()
            .map_err(|_| "the PDF parser failed".to_string())
    })
    .map_err(ReadError::Broken)?;
    let text = parsed
        .map_err(|_| {
            ReadError::Broken("the PDF could not be parsed (its structure is broken)".into())
        })?
        .map_err(|e| ReadError::Broken(format!("the PDF could not be read: {e}")))?;
    check_text_layer(&text)?;
    let mut doc = Document::default();
    for line in super::lines(&text) {
        if doc.blocks.len() >= within.max_paragraphs {
            doc.warnings.push(format!(
                "the PDF has more than {} lines: the rest was not read",
                within.max_paragraphs
            ));
            break;
        }
        let line = line.trim();
        match split_row(line) {
            Some((label, values)) => {
                if !label.is_empty() {
                    doc.blocks.push(Block::Paragraph(label.to_string()));
                }
                doc.blocks
                    .extend(values.into_iter().map(|v| Block::Paragraph(v.to_string())));
            }
            None if !line.is_empty() => doc.blocks.push(Block::Paragraph(line.to_string())),
            None => {}
        }
    }
    Ok(doc)
}

/// A table row printed as one line: its label (possibly empty) and the values at its end,
/// separated by whitespace. `None` when the line does not end in values, when its label is
/// too long to be a row label (prose that happens to end in a number), or when it is a
/// single number.
fn split_row(line: &str) -> Option<(&str, Vec<&str>)> {
    // Whitespace-separated tokens with their offsets in the line.
    let tokens: Vec<(usize, &str)> = line
        .split_whitespace()
        .map(|t| (t.as_ptr() as usize - line.as_ptr() as usize, t))
        .collect();
    let values = tokens
        .iter()
        .rev()
        .take_while(|(_, t)| matches!(parse_cell(t), CellValue::Number(..) | CellValue::Dash))
        .count();
    let first = tokens.len() - values;
    let numbers = tokens[first..]
        .iter()
        .filter(|(_, t)| matches!(parse_cell(t), CellValue::Number(..)))
        .count();
    // A lone dash ends prose as often as it fills a cell.
    if numbers == 0 && values < 2 {
        return None;
    }
    let label = tokens
        .get(first)
        .map_or(line, |(at, _)| line[..*at].trim_end());
    if (label.is_empty() && values < 2) || label.chars().count() > MAX_LABEL_CHARS {
        return None;
    }
    Some((label, tokens[first..].iter().map(|(_, t)| *t).collect()))
}

/// Fails on a text layer that cannot be the report: none at all (a scan), or CJK text made of
/// a handful of distinct characters (fonts without a Unicode map decode every glyph alike).
fn check_text_layer(text: &str) -> Result<(), ReadError> {
    let cjk: Vec<char> = text
        .chars()
        .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
        .collect();
    if cjk.len() < 20 {
        return Err(ReadError::NoTextLayer(
            "the PDF has no text layer (a scan?): OCR it, or use the HTML page or a DOCX attachment"
                .into(),
        ));
    }
    let distinct = cjk.iter().collect::<std::collections::HashSet<_>>().len();
    if cjk.len() >= 200 && distinct * 20 < cjk.len() {
        return Err(ReadError::Undecodable(format!(
            "the PDF's text layer cannot be decoded (its fonts have no Unicode map: {} characters \
             decode to {} distinct ones); use the HTML page or a DOCX attachment",
            cjk.len(),
            distinct
        )));
    }
    Ok(())
}

/// The PDF parser's stack: it recurses about 2 KB (release) to 20 KB (debug) per nesting level.
const PARSER_STACK_BYTES: usize = 64 << 20;

/// The deepest nesting of arrays and dictionaries let through to the parser. A random walk
/// of binary stream bytes does not get this deep within the input limit.
const MAX_NESTING: usize = 1000;

/// Checks the PDF before the parser sees it: every `FlateDecode` stream is inflated through a
/// cap on the total (the parser has none: PDF bombs), and no object, in the file or inside a
/// stream, nests deeper than [`MAX_NESTING`] (the parser would overflow its stack). Streams
/// that do not inflate (encrypted, other filters, damaged) are checked as they are.
fn check_streams(bytes: &[u8], max_inflated: u64) -> Result<(), String> {
    let too_deep = |data: &[u8]| nesting(data) > MAX_NESTING;
    let nested = || format!("the PDF nests objects deeper than {MAX_NESTING} levels");
    let mut total = 0u64;
    let mut sink = Vec::new();
    let mut outside = 0;
    for at in memchr::memmem::find_iter(bytes, b"stream") {
        if at < outside {
            continue;
        }
        let data = &bytes[at + b"stream".len()..];
        let data = data
            .strip_prefix(b"\r\n")
            .or_else(|| data.strip_prefix(b"\n"))
            .filter(|_| !bytes[..at].ends_with(b"end"));
        let Some(data) = data else {
            continue;
        };
        if too_deep(&bytes[outside..at]) {
            return Err(nested());
        }
        let end = memchr::memmem::find(data, b"endstream").unwrap_or(data.len());
        let body = &data[..end];
        outside = bytes.len() - data.len() + end;
        let room = max_inflated.saturating_sub(total);
        sink.clear();
        let mut inflater = flate2::read::ZlibDecoder::new(body).take(room + 1);
        // A stream that is not zlib (or is damaged) inflates to what it can.
        let inflated = inflater.read_to_end(&mut sink).is_ok() && !sink.is_empty();
        total += sink.len() as u64;
        if total > max_inflated {
            return Err(format!(
                "the PDF's streams inflate past the limit of {max_inflated} bytes (a PDF bomb?)"
            ));
        }
        if too_deep(if inflated { &sink } else { body }) {
            return Err(nested());
        }
    }
    if too_deep(&bytes[outside.min(bytes.len())..]) {
        return Err(nested());
    }
    Ok(())
}

/// The deepest nesting of `[`…`]` and `<<`…`>>` in PDF syntax; string literals and comments
/// are skipped.
fn nesting(data: &[u8]) -> usize {
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    while i < data.len() {
        match data[i] {
            b'(' => {
                // A string literal: balanced parentheses, backslash escapes.
                let mut level = 1;
                i += 1;
                while i < data.len() && level > 0 {
                    match data[i] {
                        b'\\' => i += 1,
                        b'(' => level += 1,
                        b')' => level -= 1,
                        _ => {}
                    }
                    i += 1;
                }
                continue;
            }
            b'%' => {
                while i < data.len() && data[i] != b'\n' && data[i] != b'\r' {
                    i += 1;
                }
                continue;
            }
            b'[' => depth += 1,
            b'<' if data.get(i + 1) == Some(&b'<') => {
                depth += 1;
                i += 1;
            }
            b']' => depth = depth.saturating_sub(1),
            b'>' if data.get(i + 1) == Some(&b'>') => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            _ => {}
        }
        deepest = deepest.max(depth);
        i += 1;
    }
    deepest
}

/// Keeps panics raised inside the PDF parser (caught and reported as errors) off stderr;
/// every other panic is reported as before.
fn quiet_parser_panics() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_parser = info.location().is_some_and(|l| {
                let file = l.file();
                file.contains("pdf-extract") || file.contains("lopdf")
            });
            if !in_parser {
                previous(info);
            }
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_printed_as_lines_are_cut_into_label_and_values() {
        assert_eq!(
            split_row("（一）予以公开 1288 21 0 0 50 3 1362"),
            Some((
                "（一）予以公开",
                vec!["1288", "21", "0", "0", "50", "3", "1362"]
            ))
        );
        assert_eq!(
            split_row("行政事业性收费 96171.6"),
            Some(("行政事业性收费", vec!["96171.6"]))
        );
        assert_eq!(
            split_row("10 1 0 0 0"),
            Some(("", vec!["10", "1", "0", "0", "0"]))
        );
        assert_eq!(split_row("规章 — — —"), Some(("规章", vec!["—", "—", "—"])));
        assert_eq!(split_row("情况如下 —"), None);
        assert_eq!(split_row("规章 — 3 —"), Some(("规章", vec!["—", "3", "—"])));
        assert_eq!(split_row("2023"), None);
        assert_eq!(split_row("- 4-"), None);
        assert_eq!(split_row("2023年全区受理政府信息公开申请 21件，"), None);
        assert_eq!(
            split_row("本年度，全区各级行政机关共收到各类政府信息公开申请，并依法依规在法定期限内予以答复处理的数量合计为 21"),
            None
        );
    }

    #[test]
    fn unusable_text_layers_are_named() {
        assert!(check_text_layer("")
            .unwrap_err()
            .to_string()
            .contains("no text layer"));
        let garbled = "国国国 国国国 登登 ".repeat(60);
        assert!(check_text_layer(&garbled)
            .unwrap_err()
            .to_string()
            .contains("Unicode map"));
        let report = "本报告由办公室根据中华人民共和国政府信息公开条例要求编制，所列数据统计期限自一月起至年底止。";
        assert!(check_text_layer(&report.repeat(10)).is_ok());
    }

    #[test]
    fn flate_bombs_are_refused_before_parsing() {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(&vec![0u8; 4 << 20]).unwrap();
        let packed = z.finish().unwrap();
        let mut pdf = b"%PDF-1.4\n1 0 obj\n<< /Filter /FlateDecode >>\nstream\n".to_vec();
        pdf.extend_from_slice(&packed);
        pdf.extend_from_slice(b"\nendstream\nendobj\n");
        assert!(check_streams(&pdf, 1 << 20)
            .unwrap_err()
            .to_string()
            .contains("PDF bomb"));
        assert!(check_streams(&pdf, 8 << 20).is_ok());
        let err = read_with(
            &pdf,
            &PdfLimits {
                max_inflated_bytes: 1 << 20,
            },
            &ReadLimits::default(),
        );
        assert!(err.unwrap_err().to_string().contains("PDF bomb"));
    }

    #[test]
    fn deep_nesting_is_refused_before_the_parser_recurses() {
        let deep = |open: &str, close: &str, n: usize| {
            let mut pdf = b"%PDF-1.4\n1 0 obj\n".to_vec();
            pdf.extend(open.repeat(n).as_bytes());
            pdf.extend(close.repeat(n).as_bytes());
            pdf.extend(b"\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");
            pdf
        };
        for (open, close) in [("<< /A ", ">>"), ("[", "]")] {
            let err = read_with(
                &deep(open, close, 100_000),
                &PdfLimits::default(),
                &ReadLimits::default(),
            );
            assert!(
                err.unwrap_err().to_string().contains("deeper than"),
                "{open}"
            );
        }
        assert_eq!(nesting(b"<< /A [1 (a[[[b\\)) <0AFF>] % [[[[\n>>"), 2);
        // Nesting inside a compressed content stream counts too.
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all("[".repeat(5000).as_bytes()).unwrap();
        let mut pdf = b"%PDF-1.4\n1 0 obj\n<< /Filter /FlateDecode >>\nstream\n".to_vec();
        pdf.extend(z.finish().unwrap());
        pdf.extend(b"\nendstream\nendobj\n");
        assert!(check_streams(&pdf, 1 << 20)
            .unwrap_err()
            .to_string()
            .contains("deeper than"));
    }

    #[test]
    fn a_broken_pdf_is_an_error_not_a_panic() {
        let err = read_with(
            b"%PDF-1.4\ngarbage",
            &PdfLimits::default(),
            &ReadLimits::default(),
        );
        assert!(err.is_err());
    }
}
