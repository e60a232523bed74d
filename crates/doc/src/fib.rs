//! The File Information Block (FIB) at the start of the `WordDocument` stream: which table
//! stream holds the document's tables, whether the file is encrypted, the languages (for the
//! code page of 8-bit text), how many characters the main text has, and where the piece table
//! (CLX) and the paragraph-property index (PlcBtePapx) are ([MS-DOC] 2.5.1).

use crate::DocError;

/// `wIdent` of a Word binary document.
const WORD_IDENT: u16 = 0xA5EC;
/// The first `nFib` of Word 97; earlier versions (Word 6, Word 95) have another layout.
const NFIB_WORD97: u16 = 0x00C1;
/// `FibBase` flag: the document is encrypted (or obfuscated, with `fObfuscated`).
const F_ENCRYPTED: u16 = 0x0100;
/// `FibBase` flag: the table stream is `1Table` (else `0Table`).
const F_WHICH_TBL_STM: u16 = 0x0200;
/// Offset of `csw`, the count of 16-bit values of `fibRgW` that follows it.
const CSW_AT: usize = 32;
/// Index of `lidFE` in `fibRgW97`.
const LID_FE_INDEX: usize = 13;
/// Index of `ccpText` in `fibRgLw97`.
const CCP_TEXT_INDEX: usize = 3;
/// Index of the `fcPlcfBtePapx`/`lcbPlcfBtePapx` pair in `fibRgFcLcb97`.
const PLCF_BTE_PAPX_INDEX: usize = 13;
/// Index of the `fcClx`/`lcbClx` pair in `fibRgFcLcb97`.
const CLX_INDEX: usize = 33;

/// What the reader needs from the FIB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fib {
    /// `lid`: the language the document was written in (the application's language).
    pub lid: u16,
    /// `lidFE`: the East Asian language of the document, when it has one.
    pub lid_fe: u16,
    /// Which stream holds the tables: `1Table` or `0Table`.
    pub table_stream: &'static str,
    /// Characters of the main document text (`ccpText`).
    pub ccp_text: u32,
    /// The piece table (`fcClx`, `lcbClx`) in the table stream.
    pub clx: Span,
    /// The index of paragraph-property pages (`fcPlcfBtePapx`, `lcbPlcfBtePapx`).
    pub plcf_bte_papx: Span,
}

/// Where a structure is in a stream: offset and length in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Offset in bytes.
    pub offset: u32,
    /// Length in bytes.
    pub len: u32,
}

impl Span {
    /// The bytes of `stream` the span covers, or an error naming `what` when it runs past the
    /// end.
    pub fn of<'a>(&self, stream: &'a [u8], what: &str) -> Result<&'a [u8], DocError> {
        let start = self.offset as usize;
        start
            .checked_add(self.len as usize)
            .and_then(|end| stream.get(start..end))
            .ok_or_else(|| {
                DocError::Broken(format!(
                    "the {what} ({} bytes at {}) runs past the end of its stream ({} bytes)",
                    self.len,
                    self.offset,
                    stream.len()
                ))
            })
    }
}

/// A little-endian 16-bit value at `at`, if there.
pub(crate) fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    bytes
        .get(at..at.checked_add(2)?)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
}

/// A little-endian 32-bit value at `at`, if there.
pub(crate) fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    bytes
        .get(at..at.checked_add(4)?)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

impl Fib {
    /// Reads the FIB from the start of the `WordDocument` stream.
    pub fn parse(word: &[u8]) -> Result<Fib, DocError> {
        let truncated = || DocError::Broken("the Word file header (FIB) is cut short".into());
        let ident = u16_at(word, 0).ok_or_else(truncated)?;
        if ident != WORD_IDENT {
            return Err(DocError::NotWord(format!(
                "its WordDocument stream does not start with a Word header (0x{ident:04X})"
            )));
        }
        let n_fib = u16_at(word, 2).ok_or_else(truncated)?;
        let lid = u16_at(word, 6).ok_or_else(truncated)?;
        let flags = u16_at(word, 10).ok_or_else(truncated)?;
        if n_fib < NFIB_WORD97 {
            return Err(DocError::OldWord(n_fib));
        }
        if flags & F_ENCRYPTED != 0 {
            return Err(DocError::Encrypted);
        }
        let table_stream = if flags & F_WHICH_TBL_STM != 0 {
            "1Table"
        } else {
            "0Table"
        };
        // FibBase, then three arrays each preceded by its count.
        let csw = usize::from(u16_at(word, CSW_AT).ok_or_else(truncated)?);
        let rg_w = CSW_AT + 2;
        let lid_fe = if csw > LID_FE_INDEX {
            u16_at(word, rg_w + 2 * LID_FE_INDEX).ok_or_else(truncated)?
        } else {
            0
        };
        let cslw_at = rg_w + 2 * csw;
        let cslw = usize::from(u16_at(word, cslw_at).ok_or_else(truncated)?);
        let rg_lw = cslw_at + 2;
        if cslw <= CCP_TEXT_INDEX {
            return Err(truncated());
        }
        let ccp_text = u32_at(word, rg_lw + 4 * CCP_TEXT_INDEX).ok_or_else(truncated)?;
        let cb_at = rg_lw + 4 * cslw;
        let pairs = usize::from(u16_at(word, cb_at).ok_or_else(truncated)?);
        let rg_fc_lcb = cb_at + 2;
        let pair = |index: usize| -> Result<Span, DocError> {
            if index >= pairs {
                return Err(truncated());
            }
            let at = rg_fc_lcb + 8 * index;
            Ok(Span {
                offset: u32_at(word, at).ok_or_else(truncated)?,
                len: u32_at(word, at + 4).ok_or_else(truncated)?,
            })
        };
        Ok(Fib {
            lid,
            lid_fe,
            table_stream,
            ccp_text,
            clx: pair(CLX_INDEX)?,
            plcf_bte_papx: pair(PLCF_BTE_PAPX_INDEX)?,
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A Word 97 FIB with the given flags, languages, text length, CLX and PlcBtePapx.
    pub(crate) fn fib_bytes(
        flags: u16,
        lid_fe: u16,
        ccp_text: u32,
        clx: Span,
        papx: Span,
    ) -> Vec<u8> {
        let mut b = vec![0u8; 32];
        b[0..2].copy_from_slice(&WORD_IDENT.to_le_bytes());
        b[2..4].copy_from_slice(&0x00C1u16.to_le_bytes());
        b[6..8].copy_from_slice(&0x0804u16.to_le_bytes());
        b[10..12].copy_from_slice(&flags.to_le_bytes());
        b.extend(14u16.to_le_bytes());
        for i in 0..14u16 {
            b.extend(
                if usize::from(i) == LID_FE_INDEX {
                    lid_fe
                } else {
                    0
                }
                .to_le_bytes(),
            );
        }
        b.extend(22u16.to_le_bytes());
        for i in 0..22 {
            b.extend(if i == CCP_TEXT_INDEX { ccp_text } else { 0 }.to_le_bytes());
        }
        b.extend(93u16.to_le_bytes());
        for i in 0..93 {
            let span = match i {
                CLX_INDEX => clx,
                PLCF_BTE_PAPX_INDEX => papx,
                _ => Span { offset: 0, len: 0 },
            };
            b.extend(span.offset.to_le_bytes());
            b.extend(span.len.to_le_bytes());
        }
        b
    }

    #[test]
    fn the_fib_gives_the_table_stream_languages_and_structures() {
        let clx = Span {
            offset: 100,
            len: 21,
        };
        let papx = Span {
            offset: 10,
            len: 12,
        };
        let fib = Fib::parse(&fib_bytes(F_WHICH_TBL_STM, 0x0804, 42, clx, papx)).unwrap();
        assert_eq!(fib.table_stream, "1Table");
        assert_eq!((fib.lid, fib.lid_fe, fib.ccp_text), (0x0804, 0x0804, 42));
        assert_eq!((fib.clx, fib.plcf_bte_papx), (clx, papx));
        assert_eq!(
            Fib::parse(&fib_bytes(0, 0, 1, clx, papx))
                .unwrap()
                .table_stream,
            "0Table"
        );
    }

    #[test]
    fn encrypted_old_cut_and_foreign_headers_are_errors() {
        let s = Span { offset: 0, len: 0 };
        assert!(matches!(
            Fib::parse(&fib_bytes(F_ENCRYPTED, 0, 1, s, s)),
            Err(DocError::Encrypted)
        ));
        let mut old = fib_bytes(0, 0, 1, s, s);
        old[2] = 0x65;
        old[3] = 0;
        assert!(matches!(Fib::parse(&old), Err(DocError::OldWord(0x65))));
        let full = fib_bytes(0, 0, 1, s, s);
        assert!(Fib::parse(&full[..154 + 8 * 34]).is_ok());
        // The last pair read is the CLX's, which ends at byte 154 + 8 * 34.
        for cut in [0, 1, 20, 40, 100, 300, 154 + 8 * 34 - 1] {
            assert!(
                matches!(Fib::parse(&full[..cut]), Err(DocError::Broken(_))),
                "{cut}"
            );
        }
        assert!(matches!(
            Fib::parse(b"PK\x03\x04xxxxxxxx"),
            Err(DocError::NotWord(_))
        ));
    }
}
