//! The HTML reader (after charset decoding) and everything downstream of it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nianbao_extract::internals as read;
use nianbao_extract::report_from_document;
use nianbao_format::decode;
use nianbao_schema::Source;

fuzz_target!(|data: &[u8]| {
    let decoded = decode::decode(data, true);
    let doc = read::html::read(&decoded.text);
    let _ = report_from_document(&doc, Source::default(), Vec::new());
});
