//! The Adobe-GB1 character collection: CID → Unicode, and Unicode → CID for the widths of
//! fonts addressed through Unicode or GB CMaps.
//!
//! 1. The table (`data/adobe-gb1-cid2unicode.bin`, see `data/README.md` for its source and
//!    licence) is one big-endian u16 per CID, 0 where a CID has no character.
//! 2. The reverse map is built once, on first use, keeping the lowest CID of a character.

use std::collections::HashMap;
use std::sync::OnceLock;

static CID_TO_UNICODE: &[u8] = include_bytes!("../data/adobe-gb1-cid2unicode.bin");

/// The character of an Adobe-GB1 CID.
pub(crate) fn unicode(cid: u32) -> Option<char> {
    let at = cid as usize * 2;
    let pair = CID_TO_UNICODE.get(at..at + 2)?;
    let unit = u16::from_be_bytes([pair[0], pair[1]]);
    (unit != 0)
        .then(|| char::from_u32(u32::from(unit)))
        .flatten()
}

/// The lowest Adobe-GB1 CID of a character.
pub(crate) fn cid(c: char) -> Option<u32> {
    static REVERSE: OnceLock<HashMap<u16, u16>> = OnceLock::new();
    let reverse = REVERSE.get_or_init(|| {
        let mut map = HashMap::new();
        for (cid, pair) in CID_TO_UNICODE.chunks_exact(2).enumerate() {
            let unit = u16::from_be_bytes([pair[0], pair[1]]);
            if unit != 0 {
                map.entry(unit).or_insert(cid as u16);
            }
        }
        map
    });
    let unit = u16::try_from(u32::from(c)).ok()?;
    reverse.get(&unit).map(|&cid| u32::from(cid))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adobe_gb1_cids_and_characters() {
        assert_eq!(unicode(1), Some(' '));
        assert_eq!(unicode(17), Some('0'));
        assert_eq!(cid('5'), Some(22));
        // The first hanzi in GB 2312 order, 啊, is CID 940; full-width forms start at 814.
        assert_eq!(unicode(940), Some('啊'));
        assert_eq!(cid('啊'), Some(940));
        assert_eq!(cid('一'), Some(4162));
        assert_eq!(unicode(814), Some('!'));
        assert_eq!(unicode(0), None);
        assert_eq!(unicode(1_000_000), None);
    }
}
