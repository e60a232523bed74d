//! Simple fonts' encodings: a base encoding (WinAnsi, MacRoman, Standard) and `/Differences`
//! glyph names, to Unicode.
//!
//! 1. The base encodings come from `encoding_rs` (windows-1252, macintosh) with the printable
//!    ASCII range in common; StandardEncoding is ASCII with its quote differences.
//! 2. A glyph name is read as `uniXXXX` (one or more UTF-16 units), `uXXXX[XX]`, a single
//!    character, or one of the Adobe Glyph List names for ASCII and common punctuation.

/// A simple font's base encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BaseEncoding {
    /// `/WinAnsiEncoding`.
    WinAnsi,
    /// `/MacRomanEncoding`.
    MacRoman,
    /// `/StandardEncoding` (also the default of a non-symbolic font without an encoding).
    Standard,
}

impl BaseEncoding {
    /// The encoding a name stands for.
    pub(crate) fn from_name(name: &[u8]) -> Option<BaseEncoding> {
        match name {
            b"WinAnsiEncoding" => Some(BaseEncoding::WinAnsi),
            b"MacRomanEncoding" => Some(BaseEncoding::MacRoman),
            b"StandardEncoding" => Some(BaseEncoding::Standard),
            _ => None,
        }
    }

    /// The character of a code.
    pub(crate) fn char(self, code: u8) -> Option<char> {
        match (self, code) {
            (BaseEncoding::Standard, 0x27) => Some('’'),
            (BaseEncoding::Standard, 0x60) => Some('‘'),
            (_, 0x20..=0x7E) => Some(code as char),
            (BaseEncoding::WinAnsi, _) => single(encoding_rs::WINDOWS_1252, code),
            (BaseEncoding::MacRoman, _) => single(encoding_rs::MACINTOSH, code),
            (BaseEncoding::Standard, _) => None,
        }
    }
}

/// One byte through a legacy single-byte encoding.
fn single(encoding: &'static encoding_rs::Encoding, code: u8) -> Option<char> {
    let bytes = [code];
    let (text, bad) = encoding.decode_without_bom_handling(&bytes);
    let c = text.chars().next()?;
    (!bad && !c.is_control()).then_some(c)
}

/// Adobe Glyph List names of ASCII punctuation and common typographic characters.
const GLYPH_NAMES: &[(&str, char)] = &[
    ("space", ' '),
    ("exclam", '!'),
    ("quotedbl", '"'),
    ("numbersign", '#'),
    ("dollar", '$'),
    ("percent", '%'),
    ("ampersand", '&'),
    ("quotesingle", '\''),
    ("quoteright", '’'),
    ("quoteleft", '‘'),
    ("parenleft", '('),
    ("parenright", ')'),
    ("asterisk", '*'),
    ("plus", '+'),
    ("comma", ','),
    ("hyphen", '-'),
    ("minus", '−'),
    ("period", '.'),
    ("slash", '/'),
    ("zero", '0'),
    ("one", '1'),
    ("two", '2'),
    ("three", '3'),
    ("four", '4'),
    ("five", '5'),
    ("six", '6'),
    ("seven", '7'),
    ("eight", '8'),
    ("nine", '9'),
    ("colon", ':'),
    ("semicolon", ';'),
    ("less", '<'),
    ("equal", '='),
    ("greater", '>'),
    ("question", '?'),
    ("at", '@'),
    ("bracketleft", '['),
    ("backslash", '\\'),
    ("bracketright", ']'),
    ("asciicircum", '^'),
    ("underscore", '_'),
    ("grave", '`'),
    ("braceleft", '{'),
    ("bar", '|'),
    ("braceright", '}'),
    ("asciitilde", '~'),
    ("bullet", '•'),
    ("endash", '–'),
    ("emdash", '—'),
    ("quotedblleft", '“'),
    ("quotedblright", '”'),
    ("ellipsis", '…'),
    ("degree", '°'),
    ("periodcentered", '·'),
    ("multiply", '×'),
    ("nbspace", '\u{A0}'),
];

/// The text a glyph name stands for.
pub(crate) fn glyph_name_text(name: &str) -> Option<String> {
    let name = name.split('.').next().unwrap_or(name);
    if let Some(hex) = name.strip_prefix("uni") {
        if hex.len() >= 4 && hex.len() % 4 == 0 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            let units: Vec<u16> = (0..hex.len() / 4)
                .filter_map(|i| u16::from_str_radix(&hex[i * 4..i * 4 + 4], 16).ok())
                .collect();
            return String::from_utf16(&units).ok();
        }
    }
    if let Some(hex) = name.strip_prefix('u') {
        if (4..=6).contains(&hex.len()) && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return u32::from_str_radix(hex, 16)
                .ok()
                .and_then(char::from_u32)
                .map(String::from);
        }
    }
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        if c.is_alphanumeric() {
            return Some(c.to_string());
        }
    }
    GLYPH_NAMES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glyph_names_and_base_encodings() {
        assert_eq!(glyph_name_text("uni4E00").as_deref(), Some("一"));
        assert_eq!(glyph_name_text("uni00660069").as_deref(), Some("fi"));
        assert_eq!(glyph_name_text("u1D400").as_deref(), Some("𝐀"));
        assert_eq!(glyph_name_text("seven").as_deref(), Some("7"));
        assert_eq!(glyph_name_text("A.sc").as_deref(), Some("A"));
        assert_eq!(glyph_name_text("g123"), None);
        assert_eq!(BaseEncoding::WinAnsi.char(0x97), Some('—'));
        assert_eq!(BaseEncoding::WinAnsi.char(b'5'), Some('5'));
        assert_eq!(BaseEncoding::Standard.char(0x27), Some('’'));
        assert_eq!(BaseEncoding::MacRoman.char(0xD0), Some('–'));
    }
}
