//! Fonts: how a shown string splits into codes, each code's Unicode text and advance width.
//!
//! 1. The codes: one byte for simple fonts (Type1, TrueType, Type3); for a Type0 font the
//!    codespace of its `/Encoding`, a predefined CMap ([`Predefined`]) or an embedded CMap
//!    stream (which also maps codes to CIDs).
//! 2. The text of a code, first that gives a character that is not private-use or U+FFFD:
//!    - the font's `/ToUnicode` CMap;
//!    - for Type0, the predefined CMap itself when it is a Unicode or GB encoding
//!      (`UniGB-UCS2-H`, `UniGB-UTF16-H`, `GBK-EUC-H`, …);
//!    - the embedded TrueType program's own `cmap`, inverted (glyph → Unicode), reached through
//!      `/CIDToGIDMap` for Type0 fonts and through the code (or `0xF000 + code`) for simple ones;
//!    - for Type0 fonts of the Adobe-GB1 collection, the CID's character ([`crate::gb1`]);
//!    - for simple fonts, `/Encoding` (base encoding and `/Differences` glyph names).
//!
//!    A code nothing maps is a glyph with [`crate::Glyph::mapped`] false.
//! 3. The width (glyph space, thousandths of text space, or Type3's `/FontMatrix`): `/W` by CID
//!    with `/DW` for CID fonts (a Unicode or GB code of an Adobe-GB1 font finds its CID through
//!    its character), `/FirstChar` + `/Widths` with `/MissingWidth` for simple fonts.

use std::collections::HashMap;

use hayro_syntax::object::{Array, Dict, Name, Object, Stream};

use crate::cmap::{CMap, Predefined};
use crate::encoding::{glyph_name_text, BaseEncoding};
use crate::filters::Budget;
use crate::gb1;
use crate::PdfError;

/// How a string's bytes split into codes.
#[derive(Debug)]
enum Codes {
    /// One byte a code (simple fonts).
    OneByte,
    /// A predefined CMap.
    Predefined(Predefined),
    /// An embedded CMap stream.
    Embedded(CMap),
}

/// A glyph's width source.
#[derive(Debug)]
enum Widths {
    /// `/FirstChar`, `/Widths`, `/MissingWidth`.
    Simple {
        first: u32,
        widths: Vec<f32>,
        missing: f32,
    },
    /// `/W` ranges (low CID, high CID, width) sorted by low, and `/DW`.
    Cid {
        ranges: Vec<(u32, u32, f32)>,
        default: f32,
    },
}

/// One code of a shown string.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Code {
    /// The text, if anything maps the code.
    pub text: Option<String>,
    /// The advance in glyph space (before [`Font::glyph_scale`]).
    pub width: f32,
    /// Whether it is the single-byte code 32 (word spacing applies).
    pub is_space: bool,
}

/// A loaded font.
#[derive(Debug)]
pub(crate) struct Font {
    /// The index of the font in the document's font list.
    pub index: usize,
    codes: Codes,
    to_unicode: Option<CMap>,
    /// Simple fonts: the text of each code by `/Encoding` (and the embedded cmap).
    simple: Vec<Option<String>>,
    /// Type0 fonts: the text of each CID through the embedded TrueType cmap.
    cid_text: HashMap<u32, char>,
    widths: Widths,
    /// Whether the CIDs are Adobe-GB1's (`/CIDSystemInfo /Ordering (GB1)`).
    gb1: bool,
    /// Whether glyphs advance downwards (`-V` CMaps).
    pub vertical: bool,
    /// Glyph space to text space: 0.001, or a Type3 font's `/FontMatrix` scale.
    pub glyph_scale: f32,
}

/// Whether text is usable: not empty, not only private-use or replacement characters.
fn usable(text: &str) -> bool {
    text.chars().any(
        |c| !matches!(c, '\u{E000}'..='\u{F8FF}' | '\u{FFFD}' | '\u{F0000}'..='\u{10FFFF}' | '\0'),
    )
}

/// A font's name for messages: `/BaseFont` without a subset prefix, or the resource name.
pub(crate) fn font_name(dict: &Dict<'_>, resource: &str) -> String {
    match dict.get::<Name<'_>>(b"BaseFont") {
        Some(name) => {
            let name = name.as_str();
            match name.split_once('+') {
                Some((tag, rest)) if tag.len() == 6 => rest.to_string(),
                _ => name.to_string(),
            }
        }
        None => format!("{resource} ({})", subtype(dict)),
    }
}

/// The font's `/Subtype`.
fn subtype(dict: &Dict<'_>) -> String {
    dict.get::<Name<'_>>(b"Subtype")
        .map_or_else(|| "unknown".to_string(), |n| n.as_str().to_string())
}

/// A number array as floats.
fn numbers(array: &Array<'_>) -> Vec<f32> {
    array
        .iter::<Object<'_>>()
        .map(|o| match o {
            Object::Number(n) => n.as_f32(),
            _ => 0.0,
        })
        .collect()
}

/// A stream's decoded bytes, or `None` when a filter is not supported.
fn stream_bytes(stream: &Stream<'_>, budget: &mut Budget) -> Result<Option<Vec<u8>>, PdfError> {
    crate::filters::decode_stream(stream, budget)
}

/// The glyph → Unicode map of an embedded TrueType/OpenType program, and its code → glyph
/// map for simple fonts (`(3,0)` symbol or `(1,0)` Mac subtables).
struct EmbeddedCmap {
    glyph_text: HashMap<u16, char>,
    code_glyph: HashMap<u8, u16>,
}

/// Reads the embedded font program's `cmap`, if there is one.
fn embedded_cmap(
    descriptor: Option<&Dict<'_>>,
    budget: &mut Budget,
) -> Result<Option<EmbeddedCmap>, PdfError> {
    let Some(descriptor) = descriptor else {
        return Ok(None);
    };
    let Some(program) = descriptor
        .get::<Stream<'_>>(b"FontFile2")
        .or_else(|| descriptor.get::<Stream<'_>>(b"FontFile3"))
    else {
        return Ok(None);
    };
    let Some(data) = stream_bytes(&program, budget)? else {
        return Ok(None);
    };
    let Ok(face) = ttf_parser::Face::parse(&data, 0) else {
        return Ok(None);
    };
    let mut glyph_text = HashMap::new();
    let mut code_glyph = HashMap::new();
    if let Some(cmap) = face.tables().cmap {
        for sub in cmap.subtables {
            if sub.is_unicode() {
                sub.codepoints(|cp| {
                    if let (Some(gid), Some(c)) = (sub.glyph_index(cp), char::from_u32(cp)) {
                        glyph_text.entry(gid.0).or_insert(c);
                    }
                });
            } else {
                for code in 0..=255u8 {
                    let glyph = sub
                        .glyph_index(0xF000 + u32::from(code))
                        .or_else(|| sub.glyph_index(u32::from(code)));
                    if let Some(gid) = glyph {
                        code_glyph.entry(code).or_insert(gid.0);
                    }
                }
            }
        }
    }
    Ok(Some(EmbeddedCmap {
        glyph_text,
        code_glyph,
    }))
}

impl Font {
    /// Loads a font dictionary; `index` is its place in the document's font list.
    pub(crate) fn load(
        dict: &Dict<'_>,
        index: usize,
        budget: &mut Budget,
    ) -> Result<Font, PdfError> {
        let to_unicode = match dict.get::<Stream<'_>>(b"ToUnicode") {
            Some(stream) => stream_bytes(&stream, budget)?.map(|data| CMap::parse(&data)),
            None => None,
        };
        if subtype(dict) == "Type0" {
            Self::load_type0(dict, index, to_unicode, budget)
        } else {
            Self::load_simple(dict, index, to_unicode, budget)
        }
    }

    fn load_type0(
        dict: &Dict<'_>,
        index: usize,
        to_unicode: Option<CMap>,
        budget: &mut Budget,
    ) -> Result<Font, PdfError> {
        let (codes, vertical) = match dict.get::<Name<'_>>(b"Encoding") {
            Some(name) => match Predefined::from_name(name.as_str()) {
                Some((kind, vertical)) => (Codes::Predefined(kind), vertical),
                None => (Codes::Predefined(Predefined::Identity), false),
            },
            None => match dict.get::<Stream<'_>>(b"Encoding") {
                Some(stream) => {
                    let cmap = stream_bytes(&stream, budget)?.map(|d| CMap::parse(&d));
                    let vertical = stream.dict().get::<i32>(b"WMode") == Some(1);
                    match cmap.filter(CMap::has_codespaces) {
                        Some(cmap) => (Codes::Embedded(cmap), vertical),
                        None => (Codes::Predefined(Predefined::Identity), vertical),
                    }
                }
                None => (Codes::Predefined(Predefined::Identity), false),
            },
        };
        let descendant = dict
            .get::<Array<'_>>(b"DescendantFonts")
            .and_then(|a| a.iter::<Dict<'_>>().next())
            .unwrap_or_default();
        let default = descendant.get::<f32>(b"DW").unwrap_or(1000.0);
        let mut ranges = Vec::new();
        if let Some(w) = descendant.get::<Array<'_>>(b"W") {
            let items: Vec<Object<'_>> = w.iter::<Object<'_>>().collect();
            let mut i = 0;
            while i < items.len() && ranges.len() < 1 << 20 {
                let number = |o: Option<&Object<'_>>| match o {
                    Some(Object::Number(n)) => Some(n.as_f32()),
                    _ => None,
                };
                match (
                    number(items.get(i)),
                    items.get(i + 1),
                    number(items.get(i + 2)),
                ) {
                    (Some(first), Some(Object::Array(list)), _) => {
                        for (k, width) in numbers(list).into_iter().enumerate() {
                            let cid = first as u32 + k as u32;
                            ranges.push((cid, cid, width));
                        }
                        i += 2;
                    }
                    (Some(low), Some(Object::Number(high)), Some(width)) => {
                        ranges.push((low as u32, high.as_f32() as u32, width));
                        i += 3;
                    }
                    _ => break,
                }
            }
        }
        ranges.sort_by_key(|r| r.0);
        let gb1 = descendant
            .get::<Dict<'_>>(b"CIDSystemInfo")
            .and_then(|info| info.get::<hayro_syntax::object::String<'_>>(b"Ordering"))
            .is_some_and(|ordering| ordering.as_bytes() == b"GB1");
        let mut cid_text = HashMap::new();
        // Parsing the font program is the slow part of loading: only without a ToUnicode map.
        if to_unicode.is_none() {
            let descriptor = descendant.get::<Dict<'_>>(b"FontDescriptor");
            if let Some(program) = embedded_cmap(descriptor.as_ref(), budget)? {
                let cid_to_gid = match descendant.get::<Stream<'_>>(b"CIDToGIDMap") {
                    Some(stream) => stream_bytes(&stream, budget)?,
                    None => None,
                };
                match &cid_to_gid {
                    None => cid_text.extend(
                        program
                            .glyph_text
                            .iter()
                            .map(|(&gid, &c)| (u32::from(gid), c)),
                    ),
                    Some(map) => {
                        for (cid, pair) in map.chunks_exact(2).enumerate() {
                            let gid = u16::from_be_bytes([pair[0], pair[1]]);
                            if let Some(&c) = program.glyph_text.get(&gid) {
                                cid_text.insert(cid as u32, c);
                            }
                        }
                    }
                }
            }
        }
        Ok(Font {
            index,
            codes,
            to_unicode,
            simple: Vec::new(),
            cid_text,
            widths: Widths::Cid { ranges, default },
            gb1,
            vertical,
            glyph_scale: 0.001,
        })
    }

    fn load_simple(
        dict: &Dict<'_>,
        index: usize,
        to_unicode: Option<CMap>,
        budget: &mut Budget,
    ) -> Result<Font, PdfError> {
        let descriptor = dict.get::<Dict<'_>>(b"FontDescriptor");
        let symbolic = descriptor
            .as_ref()
            .and_then(|d| d.get::<i64>(b"Flags"))
            .is_some_and(|f| f & 4 != 0);
        let mut base = (!symbolic).then_some(BaseEncoding::Standard);
        let mut differences: Vec<(u8, String)> = Vec::new();
        match dict.get::<Object<'_>>(b"Encoding") {
            Some(Object::Name(name)) => base = BaseEncoding::from_name(&name).or(base),
            Some(Object::Dict(enc)) => {
                if let Some(name) = enc.get::<Name<'_>>(b"BaseEncoding") {
                    base = BaseEncoding::from_name(&name).or(base);
                }
                if let Some(diffs) = enc.get::<Array<'_>>(b"Differences") {
                    let mut code = 0u32;
                    for item in diffs.iter::<Object<'_>>() {
                        match item {
                            Object::Number(n) => code = n.as_i64().clamp(0, 256) as u32,
                            Object::Name(name) => {
                                if code < 256 {
                                    differences.push((code as u8, name.as_str().to_string()));
                                }
                                code += 1;
                            }
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
        let mut simple: Vec<Option<String>> = (0..=255u8)
            .map(|code| base.and_then(|b| b.char(code)).map(String::from))
            .collect();
        for (code, name) in differences {
            simple[code as usize] = glyph_name_text(&name);
        }
        let unmapped = (32..=255).any(|c: usize| simple[c].is_none());
        if to_unicode.is_none() && unmapped {
            if let Some(program) = embedded_cmap(descriptor.as_ref(), budget)? {
                for code in 0..=255u8 {
                    if simple[code as usize].is_some() {
                        continue;
                    }
                    let text = program
                        .code_glyph
                        .get(&code)
                        .and_then(|gid| program.glyph_text.get(gid));
                    simple[code as usize] = text.map(|c| c.to_string());
                }
            }
        }
        let first = dict.get::<i64>(b"FirstChar").unwrap_or(0).clamp(0, 255) as u32;
        let widths = dict
            .get::<Array<'_>>(b"Widths")
            .map(|a| numbers(&a))
            .unwrap_or_default();
        let missing = descriptor
            .as_ref()
            .and_then(|d| d.get::<f32>(b"MissingWidth"))
            .unwrap_or(if widths.is_empty() { 500.0 } else { 0.0 });
        let glyph_scale = dict
            .get::<Array<'_>>(b"FontMatrix")
            .map(|m| numbers(&m))
            .and_then(|m| m.first().copied())
            .filter(|a| a.is_finite() && *a != 0.0)
            .unwrap_or(0.001);
        Ok(Font {
            index,
            codes: Codes::OneByte,
            to_unicode,
            simple,
            cid_text: HashMap::new(),
            widths: Widths::Simple {
                first,
                widths,
                missing,
            },
            gb1: false,
            vertical: false,
            glyph_scale,
        })
    }

    /// The codes of a shown string.
    pub(crate) fn codes(&self, bytes: &[u8]) -> Vec<Code> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let rest = &bytes[i..];
            let len = match &self.codes {
                Codes::OneByte => 1,
                Codes::Predefined(kind) => kind.code_len(rest),
                Codes::Embedded(cmap) => cmap.code_len(rest),
            }
            .clamp(1, rest.len());
            let raw = &rest[..len];
            out.push(self.code(raw));
            i += len;
        }
        out
    }

    /// One code.
    fn code(&self, raw: &[u8]) -> Code {
        let code = raw.iter().fold(0u32, |acc, &b| acc << 8 | u32::from(b));
        let cid = match &self.codes {
            Codes::OneByte => None,
            Codes::Predefined(Predefined::Identity) => Some(code),
            // A Unicode or GB code reaches its Adobe-GB1 CID through its character.
            Codes::Predefined(kind) if self.gb1 => kind
                .text(raw)
                .and_then(|t| t.chars().next())
                .and_then(gb1::cid),
            Codes::Predefined(_) => None,
            Codes::Embedded(cmap) => cmap.cid(code),
        };
        let cid_fallback = |cid: Option<u32>| {
            let cid = cid?;
            self.cid_text
                .get(&cid)
                .copied()
                .or_else(|| self.gb1.then(|| gb1::unicode(cid)).flatten())
                .map(String::from)
        };
        let text = self
            .to_unicode
            .as_ref()
            .and_then(|m| m.text(code))
            .filter(|t| usable(t))
            .or_else(|| match &self.codes {
                Codes::OneByte => self.simple.get(code as usize).cloned().flatten(),
                Codes::Predefined(kind) => kind
                    .text(raw)
                    .filter(|t| usable(t))
                    .or_else(|| cid_fallback(cid)),
                Codes::Embedded(_) => cid_fallback(cid),
            })
            .filter(|t| usable(t));
        let width = match &self.widths {
            Widths::Simple {
                first,
                widths,
                missing,
            } => code
                .checked_sub(*first)
                .and_then(|i| widths.get(i as usize))
                .copied()
                .unwrap_or(*missing),
            Widths::Cid { ranges, default } => cid
                .and_then(|cid| {
                    let end = ranges.partition_point(|r| r.0 <= cid);
                    ranges[..end]
                        .iter()
                        .rev()
                        .find(|r| r.0 <= cid && cid <= r.1)
                        .map(|r| r.2)
                })
                .unwrap_or(*default),
        };
        Code {
            text,
            width,
            is_space: raw == [32],
        }
    }
}
