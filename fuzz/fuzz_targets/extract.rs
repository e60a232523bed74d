//! The whole pipeline from bytes, as `nianbao extract` runs it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nianbao_extract::{extract_bytes, Limits};

fuzz_target!(|data: &[u8]| {
    let _ = extract_bytes(data, "fuzz", &Limits::default());
});
