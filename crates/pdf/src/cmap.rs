//! CMaps: how a font's string bytes split into codes, and what each code means.
//!
//! 1. A CMap stream (a `/ToUnicode`, or an embedded `/Encoding` of a Type0 font) is tokenized:
//!    hex strings, numbers, names, brackets and the keywords around the sections.
//! 2. `begincodespacerange` gives the code lengths; `beginbfchar`/`beginbfrange` (destination
//!    a UTF-16BE string, incremented through the range, or an array of strings) give Unicode;
//!    `begincidchar`/`begincidrange` give CIDs. Ranges are kept as ranges, never expanded.
//! 3. [`Predefined`] names the predefined CJK CMaps a Type0 font may use instead of a stream:
//!    their code splitting, and Unicode straight from the code where the CMap is a Unicode or
//!    GB encoding (UCS-2, UTF-16, EUC-CN/GBK/GB18030).

/// A code length range: codes of `len` bytes between `low` and `high`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Codespace {
    len: u8,
    low: u32,
    high: u32,
}

/// Where a `bfrange` maps to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum RangeTarget {
    /// The first code's text; each next code increments its last UTF-16 unit.
    Start(Vec<u16>),
    /// One text per code.
    List(Vec<String>),
}

/// A parsed CMap.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CMap {
    codespaces: Vec<Codespace>,
    /// Single codes mapped to text, sorted by code.
    chars: Vec<(u32, String)>,
    /// Code ranges mapped to text, sorted by low code.
    ranges: Vec<(u32, u32, RangeTarget)>,
    /// Single codes mapped to CIDs, sorted by code.
    cid_chars: Vec<(u32, u32)>,
    /// Code ranges mapped to CIDs (low, high, first CID), sorted by low code.
    cid_ranges: Vec<(u32, u32, u32)>,
}

/// A CMap token.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Hex(Vec<u8>),
    Number(i64),
    Keyword(String),
    Open,
    Close,
}

/// The tokens of CMap syntax; names, dictionaries and literal strings are skipped (nothing in
/// the mapping sections uses them).
fn tokens(data: &[u8]) -> Vec<Token> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let b = data[i];
        match b {
            b'%' => {
                while i < data.len() && data[i] != b'\n' && data[i] != b'\r' {
                    i += 1;
                }
            }
            b'<' if data.get(i + 1) == Some(&b'<') => i += 2,
            b'>' if data.get(i + 1) == Some(&b'>') => i += 2,
            b'<' => {
                let end = data[i..]
                    .iter()
                    .position(|&c| c == b'>')
                    .map_or(data.len(), |p| i + p);
                let digits: Vec<u8> = data[i + 1..end]
                    .iter()
                    .filter_map(|&c| (c as char).to_digit(16).map(|d| d as u8))
                    .collect();
                let bytes = digits
                    .chunks(2)
                    .map(|p| p[0] << 4 | p.get(1).copied().unwrap_or(0))
                    .collect();
                out.push(Token::Hex(bytes));
                i = end + 1;
            }
            b'[' => {
                out.push(Token::Open);
                i += 1;
            }
            b']' => {
                out.push(Token::Close);
                i += 1;
            }
            b'(' => {
                let mut level = 0;
                while i < data.len() {
                    match data[i] {
                        b'\\' => i += 1,
                        b'(' => level += 1,
                        b')' => {
                            level -= 1;
                            if level == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                i += 1;
            }
            _ if b.is_ascii_whitespace() => i += 1,
            _ => {
                let start = i;
                i += 1;
                while i < data.len()
                    && !data[i].is_ascii_whitespace()
                    && !b"<>[]()/%{}".contains(&data[i])
                {
                    i += 1;
                }
                let word = String::from_utf8_lossy(&data[start..i]).into_owned();
                if b == b'/' {
                    continue;
                }
                match word.parse::<i64>() {
                    Ok(n) => out.push(Token::Number(n)),
                    Err(_) => out.push(Token::Keyword(word)),
                }
            }
        }
    }
    out
}

/// A code's value from its bytes (big-endian, at most 4 bytes).
fn code_of(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .take(4)
        .fold(0, |acc, &b| acc << 8 | u32::from(b))
}

/// UTF-16BE bytes as text (unpaired surrogates become U+FFFD).
fn utf16_text(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks(2)
        .map(|p| u16::from(p[0]) << 8 | u16::from(p.get(1).copied().unwrap_or(0)))
        .collect();
    String::from_utf16_lossy(&units)
}

/// The most entries of one CMap kept (a `bfrange` counts once).
const MAX_ENTRIES: usize = 1 << 20;

impl CMap {
    /// Parses a CMap stream's decoded bytes.
    pub(crate) fn parse(data: &[u8]) -> CMap {
        let tokens = tokens(data);
        let mut cmap = CMap::default();
        let mut i = 0;
        let hex = |t: Option<&Token>| match t {
            Some(Token::Hex(b)) => Some(b.clone()),
            _ => None,
        };
        while i < tokens.len() {
            let Token::Keyword(word) = &tokens[i] else {
                i += 1;
                continue;
            };
            i += 1;
            let section = word.clone();
            const SECTIONS: [&str; 5] = [
                "begincodespacerange",
                "beginbfchar",
                "beginbfrange",
                "begincidchar",
                "begincidrange",
            ];
            if !SECTIONS.contains(&section.as_str()) {
                continue;
            }
            let end = format!("end{}", &section["begin".len()..]);
            let stop = tokens[i..]
                .iter()
                .position(|t| matches!(t, Token::Keyword(k) if *k == end))
                .map_or(tokens.len(), |p| i + p);
            let body = &tokens[i..stop];
            i = stop + 1;
            let full = |cmap: &CMap| {
                cmap.chars.len() + cmap.ranges.len() + cmap.cid_chars.len() + cmap.cid_ranges.len()
                    >= MAX_ENTRIES
            };
            let mut j = 0;
            match section.as_str() {
                "begincodespacerange" => {
                    while let (Some(low), Some(high)) = (hex(body.get(j)), hex(body.get(j + 1))) {
                        if !low.is_empty() && low.len() <= 4 {
                            cmap.codespaces.push(Codespace {
                                len: low.len() as u8,
                                low: code_of(&low),
                                high: code_of(&high),
                            });
                        }
                        j += 2;
                    }
                }
                "beginbfchar" => {
                    while let (Some(code), Some(text)) = (hex(body.get(j)), hex(body.get(j + 1))) {
                        if full(&cmap) {
                            break;
                        }
                        cmap.chars.push((code_of(&code), utf16_text(&text)));
                        j += 2;
                    }
                }
                "beginbfrange" => {
                    while let (Some(low), Some(high)) = (hex(body.get(j)), hex(body.get(j + 1))) {
                        if full(&cmap) {
                            break;
                        }
                        let (low, high) = (code_of(&low), code_of(&high));
                        match body.get(j + 2) {
                            Some(Token::Hex(start)) => {
                                let units = start
                                    .chunks(2)
                                    .map(|p| {
                                        u16::from(p[0]) << 8
                                            | u16::from(p.get(1).copied().unwrap_or(0))
                                    })
                                    .collect();
                                if low <= high {
                                    cmap.ranges.push((low, high, RangeTarget::Start(units)));
                                }
                                j += 3;
                            }
                            Some(Token::Open) => {
                                let close = body[j + 3..]
                                    .iter()
                                    .position(|t| *t == Token::Close)
                                    .map_or(body.len(), |p| j + 3 + p);
                                let list = body[j + 3..close]
                                    .iter()
                                    .map(|t| match t {
                                        Token::Hex(b) => utf16_text(b),
                                        _ => String::new(),
                                    })
                                    .collect();
                                if low <= high {
                                    cmap.ranges.push((low, high, RangeTarget::List(list)));
                                }
                                j = close + 1;
                            }
                            _ => break,
                        }
                    }
                }
                "begincidchar" => {
                    while let (Some(code), Some(Token::Number(cid))) =
                        (hex(body.get(j)), body.get(j + 1))
                    {
                        if full(&cmap) {
                            break;
                        }
                        cmap.cid_chars
                            .push((code_of(&code), (*cid).clamp(0, u32::MAX.into()) as u32));
                        j += 2;
                    }
                }
                "begincidrange" => {
                    while let (Some(low), Some(high), Some(Token::Number(cid))) =
                        (hex(body.get(j)), hex(body.get(j + 1)), body.get(j + 2))
                    {
                        if full(&cmap) {
                            break;
                        }
                        cmap.cid_ranges.push((
                            code_of(&low),
                            code_of(&high),
                            (*cid).clamp(0, u32::MAX.into()) as u32,
                        ));
                        j += 3;
                    }
                }
                _ => {}
            }
        }
        cmap.chars.sort_by_key(|e| e.0);
        cmap.ranges.sort_by_key(|e| e.0);
        cmap.cid_chars.sort_by_key(|e| e.0);
        cmap.cid_ranges.sort_by_key(|e| e.0);
        cmap
    }

    /// Whether the CMap declares code lengths.
    pub(crate) fn has_codespaces(&self) -> bool {
        !self.codespaces.is_empty()
    }

    /// The length of the code starting `bytes`, by the codespace ranges (the shortest range
    /// that matches; one byte when none does).
    pub(crate) fn code_len(&self, bytes: &[u8]) -> usize {
        let mut lens: Vec<u8> = self.codespaces.iter().map(|c| c.len).collect();
        lens.sort_unstable();
        lens.dedup();
        for len in lens {
            let len = len as usize;
            if bytes.len() < len {
                continue;
            }
            let code = code_of(&bytes[..len]);
            if self
                .codespaces
                .iter()
                .any(|c| c.len as usize == len && c.low <= code && code <= c.high)
            {
                return len;
            }
        }
        self.codespaces
            .iter()
            .map(|c| c.len as usize)
            .min()
            .unwrap_or(1)
            .min(bytes.len())
            .max(1)
    }

    /// The text a code maps to, if the CMap maps it.
    pub(crate) fn text(&self, code: u32) -> Option<String> {
        if let Ok(at) = self.chars.binary_search_by_key(&code, |e| e.0) {
            return Some(self.chars[at].1.clone());
        }
        let end = self.ranges.partition_point(|e| e.0 <= code);
        self.ranges[..end]
            .iter()
            .rev()
            .find(|(low, high, _)| *low <= code && code <= *high)
            .and_then(|(low, _, target)| {
                let offset = code - low;
                match target {
                    RangeTarget::Start(units) => {
                        let mut units = units.clone();
                        let last = units.last_mut()?;
                        *last = last.checked_add(u16::try_from(offset).ok()?)?;
                        Some(String::from_utf16_lossy(&units))
                    }
                    RangeTarget::List(list) => list.get(offset as usize).cloned(),
                }
            })
    }

    /// The CID a code maps to, if the CMap maps it.
    pub(crate) fn cid(&self, code: u32) -> Option<u32> {
        if let Ok(at) = self.cid_chars.binary_search_by_key(&code, |e| e.0) {
            return Some(self.cid_chars[at].1);
        }
        let end = self.cid_ranges.partition_point(|e| e.0 <= code);
        self.cid_ranges[..end]
            .iter()
            .rev()
            .find(|(low, high, _)| *low <= code && code <= *high)
            .map(|(low, _, cid)| cid + (code - low))
    }
}

/// A predefined CMap a Type0 font names as its `/Encoding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Predefined {
    /// `Identity-H`/`-V`: two-byte codes that are CIDs.
    Identity,
    /// `UniGB-UCS2-H`/`-V` (and the other `Uni…-UCS2` CMaps): two-byte UCS-2 codes.
    Ucs2,
    /// `UniGB-UTF16-H`/`-V` (and the other `Uni…-UTF16`): UTF-16BE codes of 2 or 4 bytes.
    Utf16,
    /// `GB-EUC-H`, `GBpc-EUC-H`, `GBK-EUC-H`, `GBKp-EUC-H`: one byte below 0x81, else two.
    Gbk,
    /// `GBK2K-H`/`-V`: GB 18030 codes of 1, 2 or 4 bytes.
    Gb18030,
}

impl Predefined {
    /// The predefined CMap of this name (without `-H`/`-V`), with whether it is vertical.
    pub(crate) fn from_name(name: &str) -> Option<(Predefined, bool)> {
        let (base, vertical) = match name.rsplit_once('-') {
            Some((base, "H")) => (base, false),
            Some((base, "V")) => (base, true),
            _ => return None,
        };
        let kind = match base {
            "Identity" => Predefined::Identity,
            "GB-EUC" | "GBpc-EUC" | "GBK-EUC" | "GBKp-EUC" | "GBT-EUC" | "GBTpc-EUC" => {
                Predefined::Gbk
            }
            "GBK2K" => Predefined::Gb18030,
            _ if base.starts_with("Uni") && base.ends_with("-UCS2") => Predefined::Ucs2,
            _ if base.starts_with("Uni") && base.ends_with("-UTF16") => Predefined::Utf16,
            _ => return None,
        };
        Some((kind, vertical))
    }

    /// The length of the code starting `bytes`.
    pub(crate) fn code_len(self, bytes: &[u8]) -> usize {
        let len = match self {
            Predefined::Identity | Predefined::Ucs2 => 2,
            Predefined::Utf16 => {
                if (0xD8..=0xDB).contains(&bytes[0]) {
                    4
                } else {
                    2
                }
            }
            Predefined::Gbk => {
                if bytes[0] < 0x81 {
                    1
                } else {
                    2
                }
            }
            Predefined::Gb18030 => match bytes {
                [b, ..] if *b < 0x81 => 1,
                [_, second, ..] if (0x30..=0x39).contains(second) => 4,
                _ => 2,
            },
        };
        len.min(bytes.len())
    }

    /// The text of a code, where the CMap is an encoding of Unicode or of GB; `None` for
    /// `Identity` (its codes are CIDs).
    pub(crate) fn text(self, bytes: &[u8]) -> Option<String> {
        match self {
            Predefined::Identity => None,
            Predefined::Ucs2 | Predefined::Utf16 => Some(utf16_text(bytes)),
            Predefined::Gbk | Predefined::Gb18030 => {
                let (text, _, bad) = encoding_rs::GB18030.decode(bytes);
                (!bad).then(|| text.into_owned())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TO_UNICODE: &[u8] = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap
/CMapName /Adobe-Identity-UCS def
1 begincodespacerange <0000> <FFFF> endcodespacerange
3 beginbfchar
<0003> <0020>
<0010> <4E00>
<0011> <D835DC00>
endbfchar
2 beginbfrange
<0020> <0029> <0030>
<0100> <0102> [<6570> <636E> <00660069>]
endbfrange
endcmap CMapName currentdict /CMap defineresource pop end end";

    #[test]
    fn to_unicode_chars_ranges_and_arrays() {
        let cmap = CMap::parse(TO_UNICODE);
        assert_eq!(cmap.text(0x0003).as_deref(), Some(" "));
        assert_eq!(cmap.text(0x0010).as_deref(), Some("一"));
        assert_eq!(cmap.text(0x0011).as_deref(), Some("𝐀"));
        assert_eq!(cmap.text(0x0020).as_deref(), Some("0"));
        assert_eq!(cmap.text(0x0029).as_deref(), Some("9"));
        assert_eq!(cmap.text(0x002A), None);
        assert_eq!(cmap.text(0x0101).as_deref(), Some("据"));
        assert_eq!(cmap.text(0x0102).as_deref(), Some("fi"));
        assert_eq!(cmap.code_len(&[0x00, 0x10, 0x41]), 2);
    }

    #[test]
    fn multi_byte_codespaces_split_codes() {
        let cmap = CMap::parse(
            b"2 begincodespacerange <00> <80> <8140> <FEFE> endcodespacerange
              1 begincidrange <8140> <817E> 100 endcidrange
              1 begincidchar <41> 34 endcidchar",
        );
        assert_eq!(cmap.code_len(b"A\x81\x40"), 1);
        assert_eq!(cmap.code_len(b"\x81\x40"), 2);
        assert_eq!(cmap.cid(0x8141), Some(101));
        assert_eq!(cmap.cid(0x41), Some(34));
        assert_eq!(cmap.cid(0x42), None);
    }

    #[test]
    fn predefined_cmaps_split_and_decode() {
        assert_eq!(
            Predefined::from_name("UniGB-UCS2-H"),
            Some((Predefined::Ucs2, false))
        );
        assert_eq!(
            Predefined::from_name("GBK-EUC-V"),
            Some((Predefined::Gbk, true))
        );
        assert_eq!(Predefined::from_name("Foo-H"), None);
        assert_eq!(Predefined::Ucs2.text(&[0x4E, 0x00]).as_deref(), Some("一"));
        assert_eq!(Predefined::Gbk.code_len(b"A\xD2\xBB"), 1);
        assert_eq!(Predefined::Gbk.code_len(b"\xD2\xBB"), 2);
        assert_eq!(Predefined::Gbk.text(b"\xD2\xBB").as_deref(), Some("一"));
        assert_eq!(Predefined::Utf16.code_len(&[0xD8, 0x35, 0xDC, 0x00]), 4);
        assert_eq!(Predefined::Identity.text(&[0, 1]), None);
    }
}
