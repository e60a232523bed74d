//! The streams the parser decodes by itself — object streams (`/Type /ObjStm`) and
//! cross-reference streams (`/Type /XRef`) — measured through the byte budget before the parser
//! sees the file. Every other stream is decoded by this crate ([`crate::filters`]), capped
//! while it decodes; these two are inflated inside `hayro-syntax`, which has no cap (a 0.5 MB
//! object-stream bomb takes 0.5 GB there).
//!
//! 1. Each `stream` keyword (not `endstream`) is found with a vectorised search; a stream's
//!    data is skipped up to its `endstream`, so keywords inside binary data are not read.
//! 2. The dictionary before the keyword is found by walking back from its `>>` to the
//!    matching `<<` (within [`MAX_DICT_BYTES`]) and parsed.
//! 3. An object or cross-reference stream is decoded through its filter chain into the
//!    budget (a predictor only shrinks the data, so it is not applied): past the limit, the
//!    file is refused before the parser inflates anything.
//!
//! 4. Outside stream data, the nesting of arrays and dictionaries is measured too: past
//!    [`MAX_NESTING`] (the parser's own bound) the file is refused at once, where the
//!    parser's repair of such a file would take seconds.
//!
//! Encrypted object streams cannot be measured this way (their data is ciphertext here).

use hayro_syntax::object::{Dict, FromBytes, Name, Object};
use memchr::memmem;

use crate::filters::{decode, Budget, Filter};
use crate::PdfError;

/// The longest stream dictionary looked for before a `stream` keyword.
const MAX_DICT_BYTES: usize = 64 << 10;

/// The deepest nesting of arrays and dictionaries accepted (the parser's own limit).
pub(crate) const MAX_NESTING: usize = 512;

/// Measures the object and cross-reference streams of `bytes` through `budget`, and the
/// nesting of the objects outside streams.
pub(crate) fn measure(bytes: &[u8], budget: &mut Budget) -> Result<(), PdfError> {
    let endstream = memmem::Finder::new(b"endstream");
    let too_deep = |data: &[u8]| {
        if nesting(data) > MAX_NESTING {
            Err(PdfError::NestedTooDeep { limit: MAX_NESTING })
        } else {
            Ok(())
        }
    };
    let mut outside = 0;
    for at in memmem::find_iter(bytes, b"stream") {
        if at < outside || bytes[..at].ends_with(b"end") {
            continue;
        }
        let after = &bytes[at + b"stream".len()..];
        let eol = if after.starts_with(b"\r\n") {
            2
        } else if after.starts_with(b"\n") || after.starts_with(b"\r") {
            1
        } else {
            continue;
        };
        let data_start = at + b"stream".len() + eol;
        let data_end = endstream
            .find(&bytes[data_start..])
            .map_or(bytes.len(), |p| data_start + p);
        too_deep(&bytes[outside..at])?;
        outside = data_end;
        let Some(dict) = dictionary_before(&bytes[..at]) else {
            continue;
        };
        let Some(dict) = Dict::from_bytes(dict) else {
            continue;
        };
        let parser_decoded = matches!(
            dict.get::<Name<'_>>(b"Type").as_deref(),
            Some(b"ObjStm" | b"XRef")
        );
        if !parser_decoded {
            continue;
        }
        let chain: Vec<Filter> = match dict.get::<Object<'_>>(b"Filter") {
            Some(Object::Name(name)) => vec![Filter::from_name(&name)],
            Some(Object::Array(names)) => names
                .iter::<Name<'_>>()
                .map(|n| Filter::from_name(&n))
                .collect(),
            _ => Vec::new(),
        };
        decode(&bytes[data_start..data_end], &chain, false, budget)?;
    }
    too_deep(&bytes[outside.min(bytes.len())..])
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

/// The `<< … >>` that ends `before` (whitespace aside), if it is found within
/// [`MAX_DICT_BYTES`].
fn dictionary_before(before: &[u8]) -> Option<&[u8]> {
    let end = before.len()
        - before
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
    if !before[..end].ends_with(b">>") {
        return None;
    }
    let floor = end.saturating_sub(MAX_DICT_BYTES);
    let mut depth = 0usize;
    let mut i = end;
    while i >= floor + 2 {
        match &before[i - 2..i] {
            b">>" => {
                depth += 1;
                i -= 2;
            }
            b"<<" => {
                depth -= 1;
                i -= 2;
                if depth == 0 {
                    return Some(&before[i..end]);
                }
            }
            _ => i -= 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_outside_streams_is_measured() {
        assert_eq!(nesting(b"<< /A [1 (a[[[b\\)) <0AFF>] % [[[[\n>>"), 2);
        let deep = [&b"1 0 obj\n"[..], &b"[".repeat(600), b"\nendobj\n"].concat();
        let mut budget = Budget::new(1 << 20);
        assert_eq!(
            measure(&deep, &mut budget),
            Err(PdfError::NestedTooDeep { limit: 512 })
        );
        // Inside stream data brackets are not syntax.
        let stream = [
            &b"1 0 obj\n<< /Length 600 >>\nstream\n"[..],
            &b"[".repeat(600),
            b"\nendstream\nendobj\n",
        ]
        .concat();
        assert_eq!(measure(&stream, &mut budget), Ok(()));
    }

    #[test]
    fn the_dictionary_before_a_stream_is_found() {
        let file = b"4 0 obj\n<< /Type /ObjStm /D << /A 1 >> >>\n";
        assert_eq!(
            dictionary_before(file),
            Some(&b"<< /Type /ObjStm /D << /A 1 >> >>"[..])
        );
        assert_eq!(dictionary_before(b"4 0 obj\n[1 2]\n"), None);
    }

    #[test]
    fn an_object_stream_bomb_is_measured_before_the_parser_inflates_it() {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(&vec![b' '; 4 << 20]).unwrap();
        let packed = z.finish().unwrap();
        let mut file =
            b"%PDF-1.7\n4 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode >>\nstream\n"
                .to_vec();
        file.extend(&packed);
        file.extend(b"\nendstream\nendobj\n");
        let mut budget = Budget::new(1 << 20);
        assert_eq!(
            measure(&file, &mut budget),
            Err(PdfError::TooManyBytes { limit: 1 << 20 })
        );
        let mut budget = Budget::new(8 << 20);
        assert_eq!(measure(&file, &mut budget), Ok(()));
        // Other streams are left to the reader (decoded, capped, only when read).
        let other = String::from_utf8_lossy(&file).replace("/Type /ObjStm", "/Type /XObject");
        let mut budget = Budget::new(1 << 20);
        assert_eq!(measure(other.as_bytes(), &mut budget), Ok(()));
    }
}
