//! The PDF reader: stream and nesting checks, then the text layer, on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nianbao_extract::document::ReadLimits;
use nianbao_extract::read::pdf::{read_with, PdfLimits};

fuzz_target!(|data: &[u8]| {
    let _ = read_with(data, &PdfLimits::default(), &ReadLimits::default());
});
