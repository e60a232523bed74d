//! The piece table (CLX, [MS-DOC] 2.9.38): the main text is a run of pieces, each a range of
//! character positions (CP) stored somewhere in the `WordDocument` stream (FC), as 16-bit
//! UTF-16LE or as 8-bit text. The text comes out as characters each with the stream offset it
//! was read from, which the paragraph properties are indexed by.

use encoding_rs::{Encoding, BIG5, GBK, WINDOWS_1252};

use crate::fib::{u16_at, u32_at};
use crate::{DocError, DocLimits};

/// `clxt` of a `Prc` (piece properties) in the CLX.
const CLXT_PRC: u8 = 0x01;
/// `clxt` of the `Pcdt` (the piece table) in the CLX.
const CLXT_PCDT: u8 = 0x02;
/// Bit of `FcCompressed` marking 8-bit text.
const FC_COMPRESSED: u32 = 0x4000_0000;
/// Size of a piece descriptor (`Pcd`).
const PCD_LEN: usize = 8;

/// One piece: characters `cp_start..cp_end` stored from byte `offset` of the `WordDocument`
/// stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    /// First character position.
    pub cp_start: u32,
    /// Character position after the last.
    pub cp_end: u32,
    /// Byte offset of the first character in the `WordDocument` stream.
    pub offset: u32,
    /// 8-bit text (else UTF-16LE).
    pub compressed: bool,
}

/// A character of the text and the stream offset (FC) it was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextChar {
    /// The character.
    pub ch: char,
    /// Its byte offset in the `WordDocument` stream.
    pub fc: u32,
}

/// The code page of 8-bit pieces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodePage {
    /// Windows-1252, as the format specifies for 8-bit pieces.
    Windows1252,
    /// The document's East Asian ANSI code page (GBK for simplified, Big5 for traditional
    /// Chinese), which some writers other than Word use for 8-bit pieces.
    EastAsian(&'static Encoding),
}

impl CodePage {
    /// The ANSI code page the FIB's languages name: `lidFE` first, then `lid`.
    pub fn from_languages(lid_fe: u16, lid: u16) -> CodePage {
        for lid in [lid_fe, lid] {
            match lid {
                // zh-CN, zh-SG
                0x0804 | 0x1004 => return CodePage::EastAsian(GBK),
                // zh-TW, zh-HK, zh-MO
                0x0404 | 0x0C04 | 0x1404 => return CodePage::EastAsian(BIG5),
                _ => {}
            }
        }
        CodePage::Windows1252
    }
}

/// Reads the piece table from the CLX.
pub fn parse(clx: &[u8], limits: &DocLimits) -> Result<Vec<Piece>, DocError> {
    let broken = |what: &str| DocError::Broken(format!("the piece table (CLX) {what}"));
    let mut at = 0usize;
    // Piece properties (Prc) come first; the piece table follows them.
    let plc = loop {
        match clx.get(at) {
            Some(&CLXT_PRC) => {
                let size = u16_at(clx, at + 1).ok_or_else(|| broken("is cut short"))?;
                at += 3 + usize::from(size);
            }
            Some(&CLXT_PCDT) => {
                let len = u32_at(clx, at + 1).ok_or_else(|| broken("is cut short"))? as usize;
                let start = at + 5;
                break start
                    .checked_add(len)
                    .and_then(|end| clx.get(start..end))
                    .ok_or_else(|| broken("runs past its end"))?;
            }
            Some(other) => return Err(broken(&format!("has an unknown entry type {other}"))),
            None => return Err(broken("has no piece table")),
        }
    };
    if plc.len() < 4 || !(plc.len() - 4).is_multiple_of(4 + PCD_LEN) {
        return Err(broken(&format!("has a piece table of {} bytes", plc.len())));
    }
    let count = (plc.len() - 4) / (4 + PCD_LEN);
    if count > limits.max_pieces {
        return Err(DocError::OverLimit(format!(
            "the text has {count} pieces, more than the limit {}",
            limits.max_pieces
        )));
    }
    let descriptors = 4 * (count + 1);
    (0..count)
        .map(|i| {
            let cp_start = u32_at(plc, 4 * i).ok_or_else(|| broken("is cut short"))?;
            let cp_end = u32_at(plc, 4 * i + 4).ok_or_else(|| broken("is cut short"))?;
            let fc =
                u32_at(plc, descriptors + PCD_LEN * i + 2).ok_or_else(|| broken("is cut short"))?;
            if cp_end < cp_start {
                return Err(broken(&format!(
                    "has a piece that ends ({cp_end}) before it starts ({cp_start})"
                )));
            }
            let compressed = fc & FC_COMPRESSED != 0;
            let fc = fc & !(FC_COMPRESSED | 0x8000_0000);
            Ok(Piece {
                cp_start,
                cp_end,
                offset: if compressed { fc / 2 } else { fc },
                compressed,
            })
        })
        .collect()
}

/// The first `ccp` characters of the text the pieces make, read from the `WordDocument`
/// stream; 8-bit pieces in `code_page` when they read as it (see [`decode_8bit`]).
pub fn text(
    pieces: &[Piece],
    word: &[u8],
    ccp: u32,
    code_page: CodePage,
) -> Result<Vec<TextChar>, DocError> {
    let mut out = Vec::with_capacity((ccp as usize).min(word.len()));
    for piece in pieces {
        if piece.cp_start >= ccp {
            break;
        }
        let chars = (piece.cp_end.min(ccp) - piece.cp_start) as usize;
        let width = if piece.compressed { 1 } else { 2 };
        let start = piece.offset as usize;
        let bytes = chars
            .checked_mul(width)
            .and_then(|n| start.checked_add(n))
            .and_then(|end| word.get(start..end))
            .ok_or_else(|| {
                DocError::Broken(format!(
                    "a text piece ({chars} characters at byte {start}) runs past the end of the \
                     WordDocument stream ({} bytes)",
                    word.len()
                ))
            })?;
        if piece.compressed {
            decode_8bit(bytes, piece.offset, code_page, &mut out);
        } else {
            let units = bytes
                .chunks_exact(2)
                .map(|b| u16::from_le_bytes([b[0], b[1]]));
            let mut fc = piece.offset;
            for unit in char::decode_utf16(units) {
                let (ch, len) = match unit {
                    Ok(ch) => (ch, ch.len_utf16() as u32 * 2),
                    Err(_) => (char::REPLACEMENT_CHARACTER, 2),
                };
                out.push(TextChar { ch, fc });
                fc += len;
            }
        }
    }
    Ok(out)
}

/// Decodes an 8-bit piece starting at stream offset `fc`. The format says 8-bit pieces are
/// Windows-1252 (Word itself writes Chinese only in 16-bit pieces), but other writers put the
/// document's ANSI code page (GBK) there. A piece is read in the East Asian code page when the
/// FIB's language names one, the piece decodes in it without error, and bytes above 0x7F are at
/// least a quarter of it (1252 text in a Chinese document has a few isolated accented letters
/// or quotes, which rarely form valid double-byte pairs throughout).
fn decode_8bit(bytes: &[u8], fc: u32, code_page: CodePage, out: &mut Vec<TextChar>) {
    if let CodePage::EastAsian(encoding) = code_page {
        let high = bytes.iter().filter(|b| **b >= 0x80).count();
        if high > 0
            && high * 4 >= bytes.len()
            && encoding
                .decode_without_bom_handling_and_without_replacement(bytes)
                .is_some()
        {
            let mut at = 0;
            while at < bytes.len() {
                let len = if bytes[at] >= 0x80 { 2 } else { 1 };
                let unit = &bytes[at..(at + len).min(bytes.len())];
                let ch = if len == 1 {
                    char::from(bytes[at])
                } else {
                    encoding
                        .decode_without_bom_handling_and_without_replacement(unit)
                        .and_then(|s| s.chars().next())
                        .unwrap_or(char::REPLACEMENT_CHARACTER)
                };
                out.push(TextChar {
                    ch,
                    fc: fc + at as u32,
                });
                at += len;
            }
            return;
        }
    }
    let (text, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
    for (i, ch) in text.chars().enumerate() {
        out.push(TextChar {
            ch,
            fc: fc + i as u32,
        });
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A CLX holding one `Prc` and a piece table of `(cp_start, cp_end, fc with flags)`.
    pub(crate) fn clx_bytes(pieces: &[(u32, u32, u32)]) -> Vec<u8> {
        let mut plc = Vec::new();
        for (start, _, _) in pieces {
            plc.extend(start.to_le_bytes());
        }
        plc.extend(pieces.last().map_or(0, |p| p.1).to_le_bytes());
        for (_, _, fc) in pieces {
            plc.extend([0, 0]);
            plc.extend(fc.to_le_bytes());
            plc.extend([0, 0]);
        }
        let mut clx = vec![CLXT_PRC, 2, 0, 0x16, 0x24];
        clx.push(CLXT_PCDT);
        clx.extend((plc.len() as u32).to_le_bytes());
        clx.extend(plc);
        clx
    }

    fn string(chars: &[TextChar]) -> String {
        chars.iter().map(|c| c.ch).collect()
    }

    #[test]
    fn pieces_of_8_and_16_bit_text_make_the_text_with_their_offsets() {
        // "ab" as 8-bit text at byte 4, then "年报\r" as UTF-16 at byte 8.
        let mut word = vec![0u8; 4];
        word.extend(b"ab\0\0");
        for u in "年报\r".encode_utf16() {
            word.extend(u.to_le_bytes());
        }
        let clx = clx_bytes(&[(0, 2, FC_COMPRESSED | 8), (2, 5, 8)]);
        let pieces = parse(&clx, &DocLimits::default()).unwrap();
        assert_eq!(pieces[0].offset, 4);
        assert!(pieces[0].compressed && !pieces[1].compressed);
        let chars = text(&pieces, &word, 5, CodePage::Windows1252).unwrap();
        assert_eq!(string(&chars), "ab年报\r");
        assert_eq!(
            chars.iter().map(|c| c.fc).collect::<Vec<_>>(),
            vec![4, 5, 8, 10, 12]
        );
        // ccpText cuts the text short of the pieces' end.
        assert_eq!(
            string(&text(&pieces, &word, 3, CodePage::Windows1252).unwrap()),
            "ab年"
        );
    }

    #[test]
    fn eight_bit_pieces_are_1252_or_the_chinese_code_page() {
        let (gbk, _, _) = GBK.encode("政府信息公开 640");
        let mut out = Vec::new();
        decode_8bit(&gbk, 0, CodePage::from_languages(0x0804, 0x0409), &mut out);
        assert_eq!(string(&out), "政府信息公开 640");
        assert_eq!(out[1].fc, 2);
        // Without a Chinese language, the bytes are 1252 as the format says.
        out.clear();
        decode_8bit(
            b"caf\xE9 \x93x\x94",
            0,
            CodePage::from_languages(0x0804, 0),
            &mut out,
        );
        assert_eq!(string(&out), "café “x”");
        out.clear();
        decode_8bit(&gbk, 0, CodePage::Windows1252, &mut out);
        assert_ne!(string(&out), "政府信息公开 640");
    }

    #[test]
    fn pieces_out_of_range_are_errors_not_panics() {
        let word = vec![0u8; 16];
        let limits = DocLimits::default();
        let past_end = parse(&clx_bytes(&[(0, 100, 8)]), &limits).unwrap();
        assert!(matches!(
            text(&past_end, &word, 100, CodePage::Windows1252),
            Err(DocError::Broken(_))
        ));
        let huge = parse(&clx_bytes(&[(0, u32::MAX, 0x3FFF_FFFF)]), &limits).unwrap();
        assert!(text(&huge, &word, u32::MAX, CodePage::Windows1252).is_err());
        assert!(parse(&clx_bytes(&[(5, 2, 0)]), &limits).is_err());
        let clx = clx_bytes(&[(0, 2, 0)]);
        for cut in 0..clx.len() {
            assert!(parse(&clx[..cut], &limits).is_err(), "{cut}");
        }
        assert!(parse(&[7, 0, 0], &limits).is_err());
        let few = DocLimits {
            max_pieces: 1,
            ..DocLimits::default()
        };
        assert!(matches!(
            parse(&clx_bytes(&[(0, 1, 0), (1, 2, 2)]), &few),
            Err(DocError::OverLimit(_))
        ));
    }
}
