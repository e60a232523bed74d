//! The Word 97–2003 reader (`nianbao-doc`: the OLE2 container through `cfb`, the FIB, the
//! piece table, paragraph properties, the table structure) and the extractor's assembly of
//! its blocks, on arbitrary bytes: sector chains that loop or run past the file, oversized
//! streams and broken property pages must be errors, never panics or hangs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nianbao_extract::internals::doc::read_with;
use nianbao_extract::{DocLimits, ReadLimits};

fuzz_target!(|data: &[u8]| {
    let _ = read_with(data, &DocLimits::default(), &ReadLimits::default());
});
