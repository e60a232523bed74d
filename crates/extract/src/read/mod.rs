//! One reader per input format, each producing a [`Document`](crate::document::Document), and
//! the detection of the format from the bytes (never from the file name).

pub mod docx;
pub mod html;
pub mod markdown;
pub mod pdf;
pub mod text;

/// An input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// An HTML page or fragment.
    Html,
    /// An Office Open XML word-processing document.
    Docx,
    /// Markdown with pipe tables.
    Markdown,
    /// Plain text (tab-flattened or a line per cell or a dump).
    Text,
    /// A PDF with a text layer.
    Pdf,
}

impl Format {
    /// The name used in `source.format`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Docx => "docx",
            Format::Markdown => "markdown",
            Format::Text => "text",
            Format::Pdf => "pdf",
        }
    }
}

/// What the first bytes say, before any decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    /// A zip container (DOCX, or another Office Open XML file).
    Zip,
    /// A PDF.
    Pdf,
    /// Probably markup.
    Markup,
    /// Text or unknown.
    Text,
}

/// Sniffs the container, or says why the bytes are not a document this tool reads.
pub fn sniff(bytes: &[u8]) -> Result<Sniffed, String> {
    let magic: &[(&[u8], &str)] = &[
        (
            b"\xD0\xCF\x11\xE0",
            "a legacy Office file (.doc/.wps/.xls), which is not supported; save it as DOCX",
        ),
        (b"\x89PNG", "a PNG image, not a document"),
        (b"\xFF\xD8\xFF", "a JPEG image, not a document"),
        (b"GIF8", "a GIF image, not a document"),
        (b"Rar!", "a RAR archive, not a document"),
        (b"\x1F\x8B", "a gzip archive, not a document"),
        (
            b"{\\rtf",
            "an RTF file, which is not supported; save it as DOCX",
        ),
    ];
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err("empty file".into());
    }
    if let Some((_, what)) = magic.iter().find(|(m, _)| bytes.starts_with(m)) {
        return Err(format!("this is {what}"));
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Ok(Sniffed::Zip);
    }
    // The header may follow some junk (the format allows 1,024 bytes of it).
    if memchr::memmem::find(&bytes[..bytes.len().min(1024)], b"%PDF-").is_some() {
        return Ok(Sniffed::Pdf);
    }
    let head = &bytes[..bytes.len().min(4096)];
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
    let is_markup = memchr::memchr_iter(b'<', &head).any(|i| {
        markers.iter().any(|m| {
            head.get(i..i + m.len())
                .is_some_and(|h| h.eq_ignore_ascii_case(m))
        })
    });
    if is_markup {
        return Ok(Sniffed::Markup);
    }
    Ok(Sniffed::Text)
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

    #[test]
    fn sniffing_names_what_is_not_a_document() {
        assert_eq!(sniff(b"%PDF-1.7").unwrap(), Sniffed::Pdf);
        assert!(sniff(b"\x89PNG\r\n\x1a\n").unwrap_err().contains("PNG"));
        assert_eq!(sniff(b"  \n").unwrap_err(), "empty file");
        assert_eq!(sniff(b"PK\x03\x04rest").unwrap(), Sniffed::Zip);
        assert_eq!(sniff(b"<!DOCTYPE html><html>").unwrap(), Sniffed::Markup);
        assert_eq!(sniff(b"a < b\n<TD>7").unwrap(), Sniffed::Markup);
        assert_eq!(sniff(b"<\0p\0>\0").unwrap(), Sniffed::Markup);
        assert_eq!(sniff(b"1 < 2 <p").unwrap(), Sniffed::Text);
        assert_eq!(sniff("一、总体情况".as_bytes()).unwrap(), Sniffed::Text);
        assert!(!is_text("\u{1}\u{2}\u{3}\u{FFFD}\u{FFFD}abc"));
        assert!(is_text("一、总体情况\n"));
    }
}
