//! The DOCX reader: a zip container when the input starts like one, else the bytes as
//! `word/document.xml`; then everything downstream of it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nianbao_extract::internals::docx::{read, read_document_xml};
use nianbao_extract::DocxLimits;
use nianbao_extract::report_from_document;
use nianbao_schema::Source;

fuzz_target!(|data: &[u8]| {
    let limits = DocxLimits::default();
    let doc = if data.starts_with(b"PK") {
        read(data, &limits)
    } else {
        read_document_xml(data, &limits)
    };
    if let Ok(doc) = doc {
        let _ = report_from_document(&doc, Source::default(), Vec::new());
    }
});
