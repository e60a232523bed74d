//! The PDF reader (the nianbao-pdf text layer with its limits, then tables from ruling lines)
//! on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nianbao_extract::document::ReadLimits;
use nianbao_extract::read::pdf::{read_with, PdfLimits};

fuzz_target!(|data: &[u8]| {
    let _ = read_with(data, &PdfLimits::default(), &ReadLimits::default());
});
