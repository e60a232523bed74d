//! The plain-text and Markdown readers and everything downstream of them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nianbao_extract::internals as read;
use nianbao_extract::report_from_document;
use nianbao_schema::Source;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = read::markdown::looks_like_markdown(&text);
    for doc in [read::text::read(&text), read::markdown::read(&text)] {
        let _ = report_from_document(&doc, Source::default(), Vec::new());
    }
});
