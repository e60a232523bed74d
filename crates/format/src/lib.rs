//! nianbao-format: what a document is, before anyone reads it. The one table of the formats
//! nianbao knows ([`Format`]: names, file extensions, media types, magic bytes), sniffing a
//! format from the bytes ([`sniff`]), turning text bytes into a string ([`decode`]: BOM,
//! HTTP charset, `<meta>`, detection; GBK as GB18030) and the SHA-256 that names a document.
//!
//! The crawler (to name what it stores and decode the pages it follows), the extractor (to
//! dispatch to a reader) and the dataset (to pick the documents of a folder) all ask this crate,
//! so adding a format touches its reader module and the table here, nowhere else. The crate is
//! small on purpose: no reader, no network, no document model.

#![deny(missing_docs)]

pub mod decode;

use sha2::{Digest, Sha256};

/// A document format nianbao knows of: the ones it reads, and the ones a crawl stores for later
/// but the extractor refuses by name (spreadsheets).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// An HTML page or fragment.
    Html,
    /// An Office Open XML word-processing document.
    Docx,
    /// Markdown with pipe tables (told from text by its content, never by its bytes).
    Markdown,
    /// Plain text: tab-flattened tables, one cell a line, crawler dumps.
    Text,
    /// A PDF.
    Pdf,
    /// A Word 97–2003 binary document (`.doc`), or a Kingsoft WPS `.wps` file, which current WPS
    /// Office writes in the same format: an OLE2 compound file with a `WordDocument` stream.
    Doc,
    /// An Excel 97–2003 spreadsheet (`.xls`, also an OLE2 compound file): stored by a crawl, not
    /// read.
    Xls,
    /// An Office Open XML spreadsheet: stored by a crawl, not read.
    Xlsx,
    /// A PNG or JPEG image: a scanned page, read by OCR in a build with the `ocr` feature.
    Image,
    /// An OFD document (GB/T 33190, the Chinese fixed-layout format): a zip of XML pages whose
    /// entries include `OFD.xml`.
    Ofd,
}

impl Format {
    /// Every format, in the order of the table.
    pub const ALL: [Format; 10] = [
        Format::Html,
        Format::Docx,
        Format::Markdown,
        Format::Text,
        Format::Pdf,
        Format::Doc,
        Format::Xls,
        Format::Xlsx,
        Format::Image,
        Format::Ofd,
    ];

    /// The name used in `source.format` and the dataset's `source_format`.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The file extensions (lower case) of the format; the first is the one a crawl gives a
    /// stored document of this format.
    pub fn extensions(self) -> &'static [&'static str] {
        self.spec().extensions
    }

    /// The media types (`Content-Type` without parameters) servers send the format with.
    pub fn media_types(self) -> &'static [&'static str] {
        self.spec().media_types
    }

    /// Whether the extractor reads the format.
    pub fn is_read(self) -> bool {
        self.spec().read
    }

    /// Whether documents of this format come as attachments of report pages (a crawl downloads
    /// links to them).
    pub fn is_attachment(self) -> bool {
        self.spec().attachment
    }

    /// The format a file extension names (any case), if any.
    pub fn from_extension(ext: &str) -> Option<Format> {
        let ext = ext.to_ascii_lowercase();
        Format::ALL
            .into_iter()
            .find(|f| f.extensions().contains(&ext.as_str()))
    }

    /// The format a `Content-Type` names (parameters and case ignored), if any.
    pub fn from_media_type(content_type: &str) -> Option<Format> {
        let mime = content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        Format::ALL
            .into_iter()
            .find(|f| f.media_types().contains(&mime.as_str()))
    }

    /// The format whose magic bytes start `bytes`, if any (text formats have none). A zip is
    /// an OFD when its central directory names `OFD.xml`, else a DOCX.
    pub fn from_magic(bytes: &[u8]) -> Option<Format> {
        let format = Format::ALL
            .into_iter()
            .find(|f| f.spec().magic.iter().any(|m| bytes.starts_with(m)));
        match format {
            Some(Format::Docx) if zip_names_entry(bytes, b"OFD.xml") => Some(Format::Ofd),
            _ => format,
        }
    }

    fn spec(self) -> &'static Spec {
        &TABLE[self as usize]
    }
}

/// One row of the format table.
struct Spec {
    name: &'static str,
    extensions: &'static [&'static str],
    media_types: &'static [&'static str],
    magic: &'static [&'static [u8]],
    read: bool,
    attachment: bool,
}

/// The format table, in the order of [`Format`].
const TABLE: [Spec; 10] = [
    Spec {
        name: "html",
        extensions: &["html", "htm", "shtml", "xhtml"],
        media_types: &["text/html", "application/xhtml+xml"],
        magic: &[],
        read: true,
        attachment: false,
    },
    Spec {
        name: "docx",
        extensions: &["docx"],
        media_types: &["application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
        magic: &[b"PK\x03\x04", b"PK\x05\x06"],
        read: true,
        attachment: true,
    },
    Spec {
        name: "markdown",
        extensions: &["md", "markdown"],
        media_types: &["text/markdown"],
        magic: &[],
        read: true,
        attachment: false,
    },
    Spec {
        name: "text",
        extensions: &["txt", "text"],
        media_types: &["text/plain"],
        magic: &[],
        read: true,
        attachment: false,
    },
    Spec {
        name: "pdf",
        extensions: &["pdf"],
        media_types: &["application/pdf"],
        magic: &[b"%PDF-"],
        read: true,
        attachment: true,
    },
    Spec {
        name: "doc",
        extensions: &["doc", "wps"],
        media_types: &[
            "application/msword",
            "application/vnd.ms-works",
            "application/kswps",
            "application/wps-office.wps",
            "application/wps-office.doc",
        ],
        // The OLE2 signature: an `.xls` has it too, and is told apart by its streams when read.
        magic: &[OLE2_MAGIC],
        read: true,
        attachment: true,
    },
    Spec {
        name: "xls",
        extensions: &["xls"],
        media_types: &["application/vnd.ms-excel"],
        magic: &[],
        read: false,
        attachment: true,
    },
    Spec {
        name: "xlsx",
        extensions: &["xlsx"],
        media_types: &["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
        magic: &[],
        read: false,
        attachment: true,
    },
    Spec {
        name: "image",
        extensions: &["png", "jpg", "jpeg"],
        media_types: &["image/png", "image/jpeg"],
        magic: &[b"\x89PNG", b"\xFF\xD8\xFF"],
        read: cfg!(feature = "ocr"),
        attachment: false,
    },
    Spec {
        name: "ofd",
        extensions: &["ofd"],
        media_types: &["application/ofd", "application/x-ofd"],
        // A zip, told from a DOCX by its `OFD.xml` entry (see `Format::from_magic`).
        magic: &[],
        read: true,
        attachment: true,
    },
];

/// The most central-directory records [`zip_names_entry`] looks at.
const MAX_ZIP_RECORDS: usize = 100_000;

/// Whether the central directory of the zip `bytes` has an entry named `name` (any case):
/// the end-of-central-directory record (in the last 64 KiB) gives where the directory starts,
/// and its records are walked, each naming one entry. A zip this cannot walk names nothing.
fn zip_names_entry(bytes: &[u8], name: &[u8]) -> bool {
    let u16_at = |at: usize| {
        bytes
            .get(at..at + 2)
            .map(|b| usize::from(u16::from_le_bytes([b[0], b[1]])))
    };
    let u32_at = |at: usize| {
        bytes
            .get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    let tail = bytes.len().saturating_sub(22 + 0xFFFF);
    let Some(end) = memchr::memmem::rfind(&bytes[tail..], b"PK\x05\x06").map(|i| tail + i) else {
        return false;
    };
    let (Some(records), Some(mut at)) = (u16_at(end + 10), u32_at(end + 16)) else {
        return false;
    };
    for _ in 0..records.min(MAX_ZIP_RECORDS) {
        if bytes.get(at..at + 4) != Some(&b"PK\x01\x02"[..]) {
            return false;
        }
        let (Some(name_len), Some(extra), Some(comment)) =
            (u16_at(at + 28), u16_at(at + 30), u16_at(at + 32))
        else {
            return false;
        };
        if bytes
            .get(at + 46..at + 46 + name_len)
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
        {
            return true;
        }
        at += 46 + name_len + extra + comment;
    }
    false
}

/// The signature of an OLE2 compound file (`.doc`, `.wps`, `.xls`).
const OLE2_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// What the first bytes say, before any decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    /// A zip container (DOCX, or another Office Open XML file).
    Zip,
    /// A zip container with an `OFD.xml` entry: an OFD document.
    Ofd,
    /// A PDF.
    Pdf,
    /// An OLE2 compound file (a Word 97–2003 `.doc` or WPS `.wps`, or an `.xls`).
    Ole2,
    /// Probably markup.
    Markup,
    /// A PNG or JPEG image (a build with the `ocr` feature only; without it they are
    /// [`NotDocument::ScanWithoutOcr`]).
    #[cfg(feature = "ocr")]
    Image,
    /// Text or unknown.
    Text,
}

/// Bytes that are no document nianbao reads, told apart by their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotDocument {
    /// Nothing but white space.
    #[error("empty file")]
    Empty,
    /// An RTF file.
    #[error("this is an RTF file, which is not supported; save it as DOCX")]
    Rtf,
    /// An image that is no scan nianbao reads (GIF).
    #[error("this is a {0} image, not a document")]
    Image(&'static str),
    /// A PNG or JPEG scan, given to a build without OCR.
    #[error(
        "this is a {0} image, not a document this build reads: scans are read by a build with OCR (`cargo build --release --features ocr`)"
    )]
    ScanWithoutOcr(&'static str),
    /// A compressed archive.
    #[error("this is a {0} archive, not a document")]
    Archive(&'static str),
}

/// Sniffs the container, or says why the bytes are not a document this tool reads.
pub fn sniff(bytes: &[u8]) -> Result<Sniffed, NotDocument> {
    let magic: &[(&[u8], NotDocument)] = &[
        (b"\x89PNG", NotDocument::ScanWithoutOcr("PNG")),
        (b"\xFF\xD8\xFF", NotDocument::ScanWithoutOcr("JPEG")),
        (b"GIF8", NotDocument::Image("GIF")),
        (b"Rar!", NotDocument::Archive("RAR")),
        (b"\x1F\x8B", NotDocument::Archive("gzip")),
        (b"{\\rtf", NotDocument::Rtf),
    ];
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(NotDocument::Empty);
    }
    #[cfg(feature = "ocr")]
    if Format::from_magic(bytes) == Some(Format::Image) {
        return Ok(Sniffed::Image);
    }
    if let Some((_, what)) = magic.iter().find(|(m, _)| bytes.starts_with(m)) {
        return Err(*what);
    }
    match Format::from_magic(bytes) {
        Some(Format::Docx) => return Ok(Sniffed::Zip),
        Some(Format::Ofd) => return Ok(Sniffed::Ofd),
        Some(Format::Pdf) => return Ok(Sniffed::Pdf),
        Some(Format::Doc) => return Ok(Sniffed::Ole2),
        _ => {}
    }
    // The header may follow some junk (the format allows 1,024 bytes of it).
    if memchr::memmem::find(&bytes[..bytes.len().min(1024)], b"%PDF-").is_some() {
        return Ok(Sniffed::Pdf);
    }
    if is_markup(&bytes[..bytes.len().min(4096)]) {
        return Ok(Sniffed::Markup);
    }
    Ok(Sniffed::Text)
}

/// Whether the head of a file looks like markup: a known tag name right after a `<`.
fn is_markup(head: &[u8]) -> bool {
    // UTF-16 markup: its ASCII is every other byte.
    let head: std::borrow::Cow<[u8]> = if memchr::memchr(0, head).is_some() {
        head.iter().copied().filter(|b| *b != 0).collect()
    } else {
        head.into()
    };
    let markers: &[&[u8]] = &[
        b"<html",
        b"<body",
        b"<table",
        b"<p>",
        b"<p ",
        b"<div",
        b"<!doctype",
        b"<meta",
        b"<br",
        b"<td",
        b"<tr",
        b"<span",
        b"<head",
    ];
    memchr::memchr_iter(b'<', &head).any(|i| {
        markers.iter().any(|m| {
            head.get(i..i + m.len())
                .is_some_and(|h| h.eq_ignore_ascii_case(m))
        })
    })
}

/// Whether decoded text looks like text and not binary noise.
pub fn is_text(text: &str) -> bool {
    // The first 4,096 characters or so, counted in bytes: a control character is one byte
    // (C0, DEL) or `C2 80`–`C2 9F` (C1), U+FFFD is `EF BF BD`.
    let mut end = text.len().min(3 * 4096);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let sample = &text.as_bytes()[..end];
    let chars = text[..end].chars().count();
    // Counted in chunks with byte counters, so that the loop vectorises.
    let c0: usize = sample
        .chunks(255)
        .map(|chunk| {
            let mut n = 0u8;
            for &b in chunk {
                n += u8::from(
                    (b < 0x20 && b != b'\n' && b != b'\r' && b != b'\t' && b != 0x0C) || b == 0x7F,
                );
            }
            usize::from(n)
        })
        .sum();
    let c1 = memchr::memchr_iter(0xC2, sample)
        .filter(|&i| sample.get(i + 1).is_some_and(|b| (0x80..=0x9F).contains(b)))
        .count();
    let replaced = memchr::memmem::find_iter(sample, "\u{FFFD}".as_bytes()).count();
    chars > 0 && (c0 + c1 + replaced) * 20 < chars
}

/// The SHA-256 of `bytes`, lower-case hex: the name of a document in the raw store and its
/// `report_id` in the dataset.
pub fn sha256_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for b in digest {
        hex.push(char::from(HEX[usize::from(b >> 4)]));
        hex.push(char::from(HEX[usize::from(b & 15)]));
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing_names_what_is_not_a_document() {
        assert_eq!(sniff(b"%PDF-1.7").unwrap(), Sniffed::Pdf);
        #[cfg(feature = "ocr")]
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n"), Ok(Sniffed::Image));
        #[cfg(not(feature = "ocr"))]
        {
            assert_eq!(
                sniff(b"\x89PNG\r\n\x1a\n"),
                Err(NotDocument::ScanWithoutOcr("PNG"))
            );
            assert!(sniff(b"\xFF\xD8\xFF\xE0")
                .unwrap_err()
                .to_string()
                .contains("--features ocr"));
        }
        assert_eq!(sniff(b"GIF89a"), Err(NotDocument::Image("GIF")));
        assert_eq!(sniff(b"  \n").unwrap_err().to_string(), "empty file");
        assert_eq!(
            sniff(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest").unwrap(),
            Sniffed::Ole2
        );
        assert_eq!(sniff(b"PK\x03\x04rest").unwrap(), Sniffed::Zip);
        assert_eq!(sniff(b"<!DOCTYPE html><html>").unwrap(), Sniffed::Markup);
        assert_eq!(sniff(b"a < b\n<TD>7").unwrap(), Sniffed::Markup);
        assert_eq!(sniff(b"<\0p\0>\0").unwrap(), Sniffed::Markup);
        assert_eq!(sniff(b"1 < 2 <p").unwrap(), Sniffed::Text);
        assert_eq!(sniff("一、总体情况".as_bytes()).unwrap(), Sniffed::Text);
        assert!(!is_text("\u{1}\u{2}\u{3}\u{FFFD}\u{FFFD}abc"));
        assert!(is_text("一、总体情况\n"));
    }

    #[test]
    fn the_table_answers_by_extension_media_type_and_magic() {
        assert_eq!(Format::from_extension("PDF"), Some(Format::Pdf));
        assert_eq!(Format::from_extension("shtml"), Some(Format::Html));
        assert_eq!(Format::from_extension("wps"), Some(Format::Doc));
        assert_eq!(Format::from_extension("XLS"), Some(Format::Xls));
        assert_eq!(Format::from_extension("exe"), None);
        assert_eq!(
            Format::from_media_type("application/PDF; charset=binary"),
            Some(Format::Pdf)
        );
        assert_eq!(
            Format::from_magic(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"),
            Some(Format::Doc)
        );
        assert_eq!(Format::from_magic(b"PK\x03\x04"), Some(Format::Docx));
        for format in Format::ALL {
            assert_eq!(format.spec().name, format.name());
            assert_eq!(Format::from_extension(format.extensions()[0]), Some(format));
        }
        assert!(Format::Pdf.is_read() && Format::Doc.is_read() && !Format::Xls.is_read());
        assert_eq!(Format::Image.is_read(), cfg!(feature = "ocr"));
        assert_eq!(Format::from_magic(b"\x89PNG\r\n"), Some(Format::Image));
    }

    /// A zip of empty stored entries named `names`, as a zip writer lays it out.
    fn stored_zip(names: &[&str]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut directory = Vec::new();
        for name in names {
            let offset = out.len() as u32;
            out.extend(b"PK\x03\x04");
            out.extend([
                20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            ]);
            out.extend((name.len() as u16).to_le_bytes());
            out.extend([0, 0]);
            out.extend(name.as_bytes());
            directory.extend(b"PK\x01\x02");
            directory.extend([20, 0, 20, 0]);
            directory.extend([0u8; 20]);
            directory.extend((name.len() as u16).to_le_bytes());
            directory.extend([0u8; 12]);
            directory.extend(offset.to_le_bytes());
            directory.extend(name.as_bytes());
        }
        let start = out.len() as u32;
        out.extend(&directory);
        out.extend(b"PK\x05\x06\0\0\0\0");
        out.extend((names.len() as u16).to_le_bytes());
        out.extend((names.len() as u16).to_le_bytes());
        out.extend((directory.len() as u32).to_le_bytes());
        out.extend(start.to_le_bytes());
        out.extend([0, 0]);
        out
    }

    #[test]
    fn a_zip_with_an_ofd_xml_entry_is_an_ofd() {
        let ofd = stored_zip(&["Doc_0/Document.xml", "OFD.xml"]);
        assert_eq!(Format::from_magic(&ofd), Some(Format::Ofd));
        assert_eq!(sniff(&ofd), Ok(Sniffed::Ofd));
        let docx = stored_zip(&["[Content_Types].xml", "word/document.xml"]);
        assert_eq!(sniff(&docx), Ok(Sniffed::Zip));
        // A zip whose directory is cut off names nothing: the DOCX reader says it is broken.
        let cut = &ofd[..ofd.len() - 30];
        assert_eq!(Format::from_magic(cut), Some(Format::Docx));
        assert_eq!(Format::from_extension("OFD"), Some(Format::Ofd));
        assert_eq!(
            Format::from_media_type("application/ofd"),
            Some(Format::Ofd)
        );
        assert!(Format::Ofd.is_read() && Format::Ofd.is_attachment());
    }

    #[test]
    fn sha256_is_lower_case_hex() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
