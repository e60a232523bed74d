//! DOCX → [`Document`]: `word/document.xml` read from the zip with an event parser (quick-xml),
//! not a full object model: text inside hyperlinks, content controls, smart tags and insertions
//! is seen without special cases (docx-rs drops some of it and parses every other part too).
//! Tables go through the shared [`Assembler`]: `gridSpan`, `vMerge` restart/continue,
//! `gridBefore`/`gridAfter`, multi-paragraph cells and nested tables. Deleted text, field
//! instructions and `mc:Fallback` duplicates are skipped.
//!
//! The zip is opened through `package`, which checks it before anything is inflated: entry
//! count, declared sizes and compression ratio (zip bombs), and reads the inflated XML through
//! a size cap that does not trust the declared size.

use std::io::BufRead;
use std::sync::LazyLock;

use memchr::memmem::Finder;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader as XmlReader;

use super::package::{Package, PackageLimits};
use super::ReadError;
use crate::assemble::{Assembler, CellSpan};
use crate::document::{Document, ReadLimits};

/// Limits on a DOCX container.
#[derive(Debug, Clone)]
pub struct DocxLimits {
    /// Most entries in the zip.
    pub max_entries: usize,
    /// Largest inflated `word/document.xml`.
    pub max_xml_bytes: u64,
    /// Largest inflated/compressed ratio of `word/document.xml`.
    pub max_ratio: u64,
    /// Deepest XML element nesting.
    pub max_xml_depth: usize,
}

impl Default for DocxLimits {
    fn default() -> Self {
        DocxLimits {
            max_entries: 10_000,
            max_xml_bytes: 256 << 20,
            max_ratio: 200,
            max_xml_depth: 512,
        }
    }
}

/// Reads a DOCX; the error says, for a person, why it could not be read.
pub fn read(bytes: &[u8], limits: &DocxLimits) -> Result<Document, ReadError> {
    read_with(bytes, limits, &ReadLimits::default())
}

/// Reads a DOCX, building no more than `within` allows.
pub fn read_with(
    bytes: &[u8],
    limits: &DocxLimits,
    within: &ReadLimits,
) -> Result<Document, ReadError> {
    let mut package = open(bytes, limits)?;
    let Some(xml) = package.part("word/document.xml")? else {
        // An OFD's parts without its entry point are no DOCX either: say which it is.
        let ofd_parts =
            package.any_entry(|name| name.starts_with("Doc_") && name.ends_with("/Document.xml"));
        return Err(ReadError::Broken(if ofd_parts {
            "an OFD package without OFD.xml, its entry point".into()
        } else {
            "DOCX without word/document.xml".into()
        }));
    };
    read_document_xml_with(&xml, limits, within)
}

/// Opens a DOCX package within `limits`.
fn open<'b>(bytes: &'b [u8], limits: &DocxLimits) -> Result<Package<'b>, ReadError> {
    Package::open(
        bytes,
        "DOCX",
        PackageLimits {
            max_entries: limits.max_entries,
            max_part_bytes: limits.max_xml_bytes,
            max_total_bytes: limits.max_xml_bytes,
            max_ratio: limits.max_ratio,
        },
    )
}

/// A picture a DOCX shows: its file's bytes and the width it is drawn at.
#[cfg(feature = "ocr")]
pub struct Picture {
    /// The image file (`word/media/…`).
    pub bytes: Vec<u8>,
    /// The drawn width (`wp:extent` `cx`), mm; `None` when the drawing states none.
    pub width_mm: Option<f32>,
}

/// The pictures of a DOCX's drawings (`a:blip r:embed`), in the order they stand, their files
/// found through `word/_rels/document.xml.rels`; a picture whose file is missing is skipped.
#[cfg(feature = "ocr")]
pub fn pictures(bytes: &[u8], limits: &DocxLimits) -> Result<Vec<Picture>, ReadError> {
    let mut package = open(bytes, limits)?;
    let (Some(xml), Some(rels)) = (
        package.part("word/document.xml")?,
        package.part("word/_rels/document.xml.rels")?,
    ) else {
        return Ok(Vec::new());
    };
    // A relationship's id → its target, from `<Relationship Id=".." Target=".."/>`.
    let attr_of = |element: &[u8], name: &[u8]| -> Option<String> {
        let at = memchr::memmem::find(element, name)? + name.len();
        let end = at + memchr::memchr(b'"', &element[at..])?;
        Some(String::from_utf8_lossy(&element[at..end]).into_owned())
    };
    let targets: std::collections::HashMap<String, String> = rels
        .split(|&b| b == b'<')
        .filter(|e| e.starts_with(b"Relationship "))
        .filter_map(|e| Some((attr_of(e, b" Id=\"")?, attr_of(e, b" Target=\"")?)))
        .collect();
    let mut pictures = Vec::new();
    // Each drawing: its extent (EMU, 914,400 an inch) then its picture's relationship.
    let mut width_mm = None;
    for element in xml.split(|&b| b == b'<') {
        if element.starts_with(b"wp:extent ") {
            width_mm = attr_of(element, b"cx=\"")
                .and_then(|cx| cx.parse::<f32>().ok())
                .map(|emu| emu / 36_000.0);
        } else if element.starts_with(b"a:blip ") {
            let Some(target) = attr_of(element, b"r:embed=\"").and_then(|id| targets.get(&id))
            else {
                continue;
            };
            let path = target
                .strip_prefix('/')
                .map_or_else(|| format!("word/{target}"), str::to_string);
            if let Some(bytes) = package.part(&path)? {
                pictures.push(Picture {
                    bytes,
                    width_mm: width_mm.take(),
                });
            }
        }
    }
    Ok(pictures)
}

/// What the walker is inside of, for elements whose text is not content.
#[derive(Default)]
struct Skip {
    /// Depth inside `w:delText`, `w:instrText`, `mc:Fallback`.
    depth: usize,
}

/// Reads the `word/document.xml` part.
pub fn read_document_xml(xml: &[u8], limits: &DocxLimits) -> Result<Document, ReadError> {
    read_document_xml_with(xml, limits, &ReadLimits::default())
}

/// Reads the `word/document.xml` part, building no more than `within` allows.
pub fn read_document_xml_with(
    xml: &[u8],
    limits: &DocxLimits,
    within: &ReadLimits,
) -> Result<Document, ReadError> {
    let mut reader = XmlReader::from_reader(xml);
    reader.config_mut().check_end_names = false;
    let mut out = Assembler::new(within);
    let mut images = 0usize;
    let mut skip = Skip::default();
    let mut depth = 0usize;
    let mut in_text = false;
    // Properties of the cell being opened, read from its w:tcPr before its first paragraph.
    let mut pending_cell: Option<(usize, bool)> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| ReadError::Broken(format!("DOCX XML is not well-formed: {e}")))?;
        match event {
            Event::Start(e) => {
                depth += 1;
                if depth > limits.max_xml_depth {
                    return Err(ReadError::OverLimit(format!(
                        "DOCX XML nests deeper than {} elements",
                        limits.max_xml_depth
                    )));
                }
                let name = e.name();
                let local = name.as_ref();
                if skip.depth > 0 || is_skipped(local) {
                    skip.depth += 1;
                } else if let Some(element) = formatting(local) {
                    skip_to_end(&mut reader, element)?;
                } else {
                    images += usize::from(is_image(local));
                    in_text |= local == b"w:t";
                    element(&mut out, &mut pending_cell, local, &e, true);
                }
            }
            Event::Empty(e) if skip.depth == 0 => {
                let name = e.name();
                images += usize::from(is_image(name.as_ref()));
                element(&mut out, &mut pending_cell, name.as_ref(), &e, false);
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                if skip.depth > 0 {
                    skip.depth -= 1;
                    continue;
                }
                match e.name().as_ref() {
                    b"w:t" => in_text = false,
                    b"w:p" => {
                        flush_cell(&mut out, &mut pending_cell);
                        out.line_break();
                    }
                    b"w:tc" => {
                        flush_cell(&mut out, &mut pending_cell);
                        out.close_cell();
                    }
                    b"w:tbl" => out.close_table(),
                    _ => {}
                }
            }
            Event::Text(t) if in_text && skip.depth == 0 => {
                let text = t
                    .decode()
                    .map_err(|e| ReadError::Broken(format!("DOCX text is not UTF-8: {e}")))?;
                out.text(&text);
            }
            Event::GeneralRef(r) if in_text && skip.depth == 0 => {
                // Only the XML predefined and numeric references exist in DOCX; no DTD entities
                // are expanded.
                let name = r
                    .decode()
                    .map_err(|e| ReadError::Broken(format!("DOCX text is not UTF-8: {e}")))?;
                out.text(&resolve_reference(&name));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut doc = out.finish();
    doc.images = images;
    if depth > 0 {
        doc.warnings
            .push("word/document.xml ends inside an element: the document is cut short".into());
    }
    Ok(doc)
}

/// An element that holds only formatting (paragraph, run, border, margin, table and section
/// properties), whose contents are skipped without parsing them.
struct Formatting {
    name: &'static [u8],
    /// Finds its opening tag (`<w:rPr`, which also finds `<w:rPrChange`).
    open: Finder<'static>,
    /// Finds its end tag.
    end: Finder<'static>,
}

fn formatting(name: &[u8]) -> Option<&'static Formatting> {
    static ALL: LazyLock<Vec<Formatting>> = LazyLock::new(|| {
        [
            "w:pPr",
            "w:rPr",
            "w:tcBorders",
            "w:tcMar",
            "w:tblPr",
            "w:tblGrid",
            "w:sectPr",
        ]
        .into_iter()
        .map(|name| Formatting {
            name: name.as_bytes(),
            open: Finder::new(format!("<{name}").as_bytes()).into_owned(),
            end: Finder::new(format!("</{name}>").as_bytes()).into_owned(),
        })
        .collect()
    });
    ALL.iter().find(|f| f.name == name)
}

/// Moves the reader to the end tag of the formatting element just opened, so that the next
/// event is its end. Nothing is skipped when the element opens again before its end (a
/// property change nests one), or has no end.
fn skip_to_end(reader: &mut XmlReader<&[u8]>, element: &Formatting) -> Result<(), ReadError> {
    let mut stream = reader.stream();
    let rest = stream
        .fill_buf()
        .map_err(|e| ReadError::Broken(format!("DOCX XML cannot be read: {e}")))?;
    if let Some(at) = element.end.find(rest) {
        if element.open.find(&rest[..at]).is_none() {
            stream.consume(at);
        }
    }
    Ok(())
}

fn is_image(name: &[u8]) -> bool {
    matches!(name, b"w:drawing" | b"w:pict")
}

fn is_skipped(name: &[u8]) -> bool {
    matches!(
        name,
        b"w:delText" | b"w:instrText" | b"mc:Fallback" | b"w:del"
    )
}

/// Opens the pending cell with the spans read from its properties.
fn flush_cell(out: &mut Assembler, pending: &mut Option<(usize, bool)>) {
    if let Some((cols, continues)) = pending.take() {
        out.open_cell(if continues {
            CellSpan::ContinueAbove { cols }
        } else {
            CellSpan::New { cols, rows: 1 }
        });
    }
}

fn element(
    out: &mut Assembler,
    pending: &mut Option<(usize, bool)>,
    name: &[u8],
    e: &BytesStart,
    is_start: bool,
) {
    match name {
        b"w:tbl" if is_start => {
            flush_cell(out, pending);
            out.open_table();
        }
        b"w:tr" if is_start => out.start_row(),
        b"w:tc" if is_start => *pending = Some((1, false)),
        b"w:gridSpan" => {
            if let Some(p) = pending.as_mut() {
                p.0 = val(e).and_then(|v| v.parse().ok()).unwrap_or(1);
            }
        }
        b"w:vMerge" => {
            if let Some(p) = pending.as_mut() {
                // No value means continue; only "restart" (any case) starts a merge.
                p.1 = !val(e).is_some_and(|v| v.eq_ignore_ascii_case("restart"));
            }
        }
        b"w:gridBefore" | b"w:gridAfter" => {
            out.skip_cells(val(e).and_then(|v| v.parse().ok()).unwrap_or(0));
        }
        b"w:p" | b"w:r" | b"w:t" => flush_cell(out, pending),
        b"w:tab" if !is_start => out.text(" "),
        b"w:br" | b"w:cr" => out.line_break(),
        _ => {}
    }
}

fn val(e: &BytesStart) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == b"w:val")
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

/// The text of an XML character or predefined entity reference (`amp`, `#x4E00`); any other
/// name is kept as written.
pub(super) fn resolve_reference(name: &str) -> String {
    match name {
        "amp" => "&".into(),
        "lt" => "<".into(),
        "gt" => ">".into(),
        "quot" => "\"".into(),
        "apos" => "'".into(),
        _ => {
            let code = name
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()));
            code.and_then(char::from_u32)
                .map_or_else(|| format!("&{name};"), String::from)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Block;

    fn body(inner: &str) -> Vec<u8> {
        format!(
            "<?xml version=\"1.0\"?><w:document xmlns:w=\"x\"><w:body>{inner}</w:body></w:document>"
        )
        .into_bytes()
    }

    fn cell(props: &str, text: &str) -> String {
        format!("<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>")
    }

    #[test]
    fn grid_span_and_vmerge_expand() {
        let xml = body(&format!(
            "<w:p><w:r><w:t>标题</w:t></w:r><w:hyperlink><w:r><w:t xml:space=\"preserve\"> 附件&amp;1</w:t></w:r></w:hyperlink></w:p>\
             <w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}{}</w:tr></w:tbl>",
            cell("<w:vMerge w:val=\"restart\"/>", "三、"),
            cell("<w:gridSpan w:val=\"2\"/>", "申请人情况"),
            cell("<w:vMerge/>", ""),
            cell("", "自然人"),
            cell("", "7"),
        ));
        let doc = read_document_xml(&xml, &DocxLimits::default()).unwrap();
        assert_eq!(doc.blocks[0], Block::Paragraph("标题 附件&1".into()));
        let Block::Table(g) = &doc.blocks[1] else {
            panic!("no table")
        };
        let texts = g.texts();
        assert_eq!(
            texts,
            vec![
                vec!["三、", "申请人情况", "申请人情况"],
                vec!["三、", "自然人", "7"]
            ]
        );
        assert_eq!(g.rows[1][0].origin, (0, 0));
    }

    #[test]
    fn formatting_is_skipped_but_spans_after_borders_are_read() {
        let xml = body(&format!(
            "<w:p><w:pPr><w:pStyle w:val=\"x\"/><w:rPr><w:b/></w:rPr></w:pPr>\
             <w:r><w:rPr><w:rPrChange><w:rPr><w:i/></w:rPr></w:rPrChange></w:rPr><w:t>文</w:t></w:r></w:p>\
             <w:tbl><w:tblPr><w:tblBorders><w:top/></w:tblBorders></w:tblPr><w:tblGrid><w:gridCol/></w:tblGrid>\
             <w:tr>{}{}</w:tr><w:tr>{}{}{}</w:tr></w:tbl>",
            cell("<w:tcBorders><w:top w:val=\"single\"/></w:tcBorders><w:gridSpan w:val=\"2\"/>", "甲"),
            cell("", "乙"),
            cell("", "1"),
            cell("", "2"),
            cell("", "3"),
        ));
        let doc = read_document_xml(&xml, &DocxLimits::default()).unwrap();
        assert_eq!(doc.blocks[0], Block::Paragraph("文".into()));
        let Block::Table(g) = &doc.blocks[1] else {
            panic!("no table")
        };
        assert_eq!(g.texts(), vec![vec!["甲", "甲", "乙"], vec!["1", "2", "3"]]);
    }

    #[test]
    fn deleted_text_and_fallbacks_are_skipped() {
        let xml = body(
            "<w:p><w:r><w:t>留</w:t></w:r><w:del><w:r><w:delText>删</w:delText></w:r></w:del>\
             <mc:AlternateContent><mc:Choice><w:t>选</w:t></mc:Choice><mc:Fallback><w:t>选</w:t></mc:Fallback></mc:AlternateContent></w:p>",
        );
        let doc = read_document_xml(&xml, &DocxLimits::default()).unwrap();
        assert_eq!(doc.blocks, vec![Block::Paragraph("留选".into())]);
    }

    #[test]
    fn entity_bombs_are_not_expanded() {
        let xml = b"<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>\
            <w:document xmlns:w=\"x\"><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>";
        let doc = read_document_xml(xml, &DocxLimits::default()).unwrap();
        assert_eq!(doc.blocks, vec![Block::Paragraph("&b;".into())]);
    }

    #[test]
    fn not_a_zip_and_no_document_are_errors() {
        assert!(read(b"\x89PNG\r\n", &DocxLimits::default())
            .unwrap_err()
            .to_string()
            .contains("zip"));
    }
}
