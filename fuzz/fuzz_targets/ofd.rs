//! The OFD reader (zip package within limits, `OFD.xml` → `Document.xml` → pages and
//! templates, text codes and paths as glyphs and rules, then the PDF reader's layout). Input
//! starting with `PK` is read as a whole package; anything else is the content of the one page
//! (and of the template it names) of a fixed package, so that the fuzzer mutates the XML.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;
use nianbao_extract::internals::ofd::read_with;
use nianbao_extract::{OfdLimits, ReadLimits};

/// A package whose page and template content are `content`.
fn package(content: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let parts: [(&str, &[u8]); 4] = [
        (
            "OFD.xml",
            b"<ofd:OFD xmlns:ofd=\"http://www.ofdspec.org/2016\"><ofd:DocBody>\
              <ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        ),
        (
            "Doc_0/Document.xml",
            b"<ofd:Document xmlns:ofd=\"http://www.ofdspec.org/2016\"><ofd:CommonData>\
              <ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>\
              <ofd:TemplatePage ID=\"1\" BaseLoc=\"Tpls/Tpl_0/Content.xml\"/></ofd:CommonData>\
              <ofd:Pages><ofd:Page ID=\"2\" BaseLoc=\"Pages/Page_0/Content.xml\"/></ofd:Pages>\
              </ofd:Document>",
        ),
        ("Doc_0/Pages/Page_0/Content.xml", content),
        ("Doc_0/Tpls/Tpl_0/Content.xml", content),
    ];
    for (name, bytes) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fuzz_target!(|data: &[u8]| {
    let limits = OfdLimits::default();
    if data.starts_with(b"PK") {
        let _ = read_with(data, &limits, &ReadLimits::default());
    } else {
        let _ = read_with(&package(data), &limits, &ReadLimits::default());
    }
});
