//! The PDF reader (the nianbao-pdf text layer with its limits, then tables from ruling lines)
//! on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nianbao_extract::internals::pdf::read_with;
use nianbao_extract::{PdfLimits, ReadLimits};

fuzz_target!(|data: &[u8]| {
    let _ = read_with(data, &PdfLimits::default(), &ReadLimits::default());
});
