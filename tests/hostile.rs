//! Hostile input: broken, malicious and absurd documents through `nianbao extract` and through
//! the library. Every input is generated here (or is a fuzzer's reproducer in
//! `tests/regressions/`). Each must end in a clear error (exit 1, one stderr line naming the
//! file) or a report with a clear warning (exit 0), never a panic (exit 101), a hang or a
//! memory blowup: the binary runs under a 4 GiB address-space limit and a watchdog that kills
//! it after 60 s, so either shows up as a failure of the test, not as a stuck suite.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nianbao_extract::internals as read;
use nianbao_extract::{extract_bytes, report_from_document, Limits};
use serde_json::Value;

/// Address space the binary may use, in KiB.
const MEMORY_KIB: u64 = 4 << 20;
/// How long the binary may run before the test calls it a hang.
const WATCHDOG: Duration = Duration::from_secs(60);

struct Run {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.stdout).expect("stdout is one JSON report")
    }

    fn warnings(&self) -> Vec<String> {
        self.json()["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_str().unwrap().to_string())
            .collect()
    }
}

/// Runs `nianbao ARGS` under the memory limit and the watchdog.
fn nianbao(args: &[&str]) -> Run {
    let out = tempfile::tempdir().unwrap();
    let (stdout, stderr) = (out.path().join("stdout"), out.path().join("stderr"));
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_KIB} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout).unwrap())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .spawn()
        .expect("run nianbao");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > WATCHDOG {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("nianbao {args:?} hung: killed after {WATCHDOG:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Run {
        code: status.code(),
        stdout: std::fs::read(stdout).unwrap(),
        stderr: std::fs::read_to_string(stderr).unwrap(),
    }
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("samples")
            .join(name),
    )
    .unwrap()
}

/// Bytes that are no document at all (a fixed pseudo-random sequence).
fn noise(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x9E37_79B9;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}

/// A DOCX container holding `parts`, deflated.
fn zip(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    for (name, bytes) in parts {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A container whose parts are deflated as small as they go, the way a zip bomb is made.
fn zip_best(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    for (name, bytes) in parts {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn document_xml(body: &str) -> String {
    format!("<?xml version=\"1.0\"?><w:document xmlns:w=\"x\"><w:body>{body}</w:body></w:document>")
}

/// The sample's report must come out cell for cell as its truth says.
fn assert_truth(run: &Run, sample_name: &str) {
    assert_eq!(run.code, Some(0), "{sample_name}: {}", run.stderr);
    let report = run.json();
    let truth: Value =
        serde_json::from_slice(&sample(&format!("{sample_name}.truth.json"))).unwrap();
    assert_eq!(report["report"]["template"], truth["template"]);
    let want = truth["cells"].as_object().unwrap();
    let cells = report["cells"].as_array().unwrap();
    assert_eq!(cells.len(), want.len(), "{sample_name}: one cell per key");
    for cell in cells {
        let key = cell["key"].as_str().unwrap();
        assert_eq!(
            cell["value"].as_f64(),
            want[key].as_f64(),
            "{sample_name}: {key}"
        );
    }
}

/// An unreadable file: exit 1, nothing on stdout, one stderr line naming the file and why.
fn assert_unreadable(run: &Run, path: &Path, why: &str) {
    let name = path.display().to_string();
    assert_eq!(run.code, Some(1), "{name}: {}", run.stderr);
    assert!(run.stdout.is_empty(), "{name}");
    assert_eq!(run.stderr.lines().count(), 1, "{name}: {}", run.stderr);
    assert!(
        run.stderr.contains(&name) && run.stderr.contains(why),
        "{name}: wanted {why:?} in {}",
        run.stderr
    );
}

#[test]
fn containers_that_cannot_be_read_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let docx = sample("county-2023-v2021.docx");
    let many: Vec<(String, Vec<u8>)> = (0..10_001).map(|i| (format!("f{i}"), Vec::new())).collect();
    let many: Vec<(&str, &[u8])> = many
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(noise(4096));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.html", Vec::new(), "empty file"),
        ("blank.txt", b" \r\n\t\n".to_vec(), "empty file"),
        ("garbage.bin", noise(1 << 16), "not a document: binary data"),
        ("image.docx", png, "a PNG image, not a document"),
        (
            "scan.pdf",
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec(),
            "the PDF could not be",
        ),
        (
            "deep.pdf",
            [
                &b"%PDF-1.4\n1 0 obj\n"[..],
                "<< /A ".repeat(100_000).as_bytes(),
                ">>".repeat(100_000).as_bytes(),
                b"\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
            ]
            .concat(),
            "the PDF nests objects deeper than 512 levels",
        ),
        (
            "truncated.docx",
            docx[..docx.len() / 2].to_vec(),
            "not a readable DOCX (zip)",
        ),
        (
            "no-document.docx",
            zip(&[
                ("[Content_Types].xml", b"<Types/>"),
                ("word/styles.xml", b"<w:styles/>"),
            ]),
            "DOCX without word/document.xml",
        ),
        (
            "many-entries.docx",
            zip(&many),
            "zip entries, more than the limit 10000",
        ),
        (
            "bomb.docx",
            zip_best(&[("word/document.xml", &vec![b' '; 16 << 20])]),
            "compression ratio",
        ),
        (
            "deep.docx",
            zip(&[(
                "word/document.xml",
                document_xml(
                    &("<w:tbl><w:tr><w:tc>".repeat(1000) + &"</w:tc></w:tr></w:tbl>".repeat(1000)),
                )
                .as_bytes(),
            )]),
            "DOCX XML nests deeper than 512 elements",
        ),
        (
            "broken-xml.docx",
            zip(&[(
                "word/document.xml",
                b"<w:document><w:body><w:p><w:r><w:t>1</w:t></w:r></w:p><w:p",
            )]),
            "DOCX XML is not well-formed",
        ),
    ];
    for (name, bytes, why) in cases {
        let path = write(d, name, &bytes);
        assert_unreadable(&nianbao(&["extract", path.to_str().unwrap()]), &path, why);
    }
}

#[test]
fn a_zip_bomb_that_lies_about_its_size_is_stopped_while_inflating() {
    let mut bytes = zip_best(&[("word/document.xml", &vec![b' '; 32 << 20])]);
    // Declare 4 KiB in both the local header (offset 22) and the central directory (offset 24).
    let cd = bytes.windows(4).rposition(|w| w == b"PK\x01\x02").unwrap();
    for at in [22, cd + 24] {
        bytes[at..at + 4].copy_from_slice(&4096u32.to_le_bytes());
    }
    let err = extract_bytes(&bytes, "liar.docx", &Limits::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("liar.docx: word/document.xml has compression ratio "),
        "{err}"
    );
    assert!(err.ends_with(":1 (zip bomb?)"), "{err}");
}

/// An OFD package: `OFD.xml` naming `Doc_0/Document.xml` (unless `entry` is false), one A4
/// page whose content is `page`, deflated (as small as it goes when `best`).
fn ofd(page: &[u8], entry: bool, best: bool) -> Vec<u8> {
    let root = b"<ofd:OFD xmlns:ofd=\"http://www.ofdspec.org/2016\"><ofd:DocBody>\
                 <ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>";
    let document = b"<ofd:Document xmlns:ofd=\"http://www.ofdspec.org/2016\"><ofd:CommonData>\
                     <ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>\
                     </ofd:CommonData><ofd:Pages><ofd:Page ID=\"1\" \
                     BaseLoc=\"Pages/Page_0/Content.xml\"/></ofd:Pages></ofd:Document>";
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("Doc_0/Document.xml", document),
        ("Doc_0/Pages/Page_0/Content.xml", page),
    ];
    if entry {
        parts.insert(0, ("OFD.xml", root));
    }
    if best {
        zip_best(&parts)
    } else {
        zip(&parts)
    }
}

/// The content of an OFD page with `objects` in its one layer.
fn ofd_page(objects: &str) -> Vec<u8> {
    format!(
        "<ofd:Page xmlns:ofd=\"http://www.ofdspec.org/2016\"><ofd:Content><ofd:Layer ID=\"2\">\
         {objects}</ofd:Layer></ofd:Content></ofd:Page>"
    )
    .into_bytes()
}

/// A text object of 4 mm characters at (x, baseline y) mm, with the `DeltaX` list `deltas`.
fn ofd_text(x: f32, y: f32, text: &str, deltas: &str) -> String {
    format!(
        "<ofd:TextObject ID=\"3\" Boundary=\"{x} {} 150 5\" Size=\"4\"><ofd:TextCode X=\"0\" \
         Y=\"4\" DeltaX=\"{deltas}\">{text}</ofd:TextCode></ofd:TextObject>",
        y - 4.0
    )
}

#[test]
fn ofd_packages_that_cannot_be_read_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = ofd_page(&ofd_text(
        20.0,
        20.0,
        "某局政府信息公开工作年度报告",
        "g 13 4",
    ));
    let deep = ofd_page(
        &("<ofd:PageBlock>".repeat(1000)
            + &ofd_text(20.0, 20.0, "深", "")
            + &"</ofd:PageBlock>".repeat(1000)),
    );
    let broken = ofd_page(&ofd_text(20.0, 20.0, "一二三", "g 2 4"));
    let broken = &broken[..broken.len() - 1];
    let mut bomb_page = ofd_page("");
    bomb_page.extend(vec![b' '; 16 << 20]);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "no-entry.ofd",
            ofd(&text, false, false),
            "an OFD package without OFD.xml, its entry point",
        ),
        (
            "no-document.ofd",
            zip(&[(
                "OFD.xml",
                &b"<ofd:OFD><ofd:DocBody><ofd:DocRoot>../../Doc_9/Document.xml</ofd:DocRoot>\
                  </ofd:DocBody></ofd:OFD>"[..],
            )]),
            "the OFD package has no Doc_9/Document.xml",
        ),
        (
            "no-root.ofd",
            zip(&[("OFD.xml", &b"<ofd:OFD><ofd:DocBody/></ofd:OFD>"[..])]),
            "OFD.xml names no document (DocRoot)",
        ),
        (
            "broken.ofd",
            ofd(broken, true, false),
            "the OFD's Doc_0/Pages/Page_0/Content.xml is not well-formed XML",
        ),
        (
            "deep.ofd",
            ofd(&deep, true, false),
            "nests deeper than 256 elements",
        ),
        ("bomb.ofd", ofd(&bomb_page, true, true), "(zip bomb?)"),
        (
            "scan.ofd",
            ofd(
                &ofd_page("<ofd:ImageObject ID=\"4\" Boundary=\"0 0 210 297\"/>"),
                true,
                false,
            ),
            "the OFD's pages show no text (1 pages, 1 images)",
        ),
    ];
    for (name, bytes, why) in cases {
        let path = write(d, name, &bytes);
        assert_unreadable(&nianbao(&["extract", path.to_str().unwrap()]), &path, why);
    }
}

/// A `.wps` that is no OLE2 file (WPS for DOS, before 2000) is refused as such, by name,
/// whether its bytes look like binary noise or decode as text.
#[test]
fn a_wps_for_dos_file_is_refused_as_such() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [
        ("dos.wps", noise(4096)),
        (
            "文本.WPS",
            "一、总体情况\n本年度共主动公开信息120条。\n"
                .as_bytes()
                .to_vec(),
        ),
    ] {
        let path = write(dir.path(), name, &bytes);
        assert_unreadable(
            &nianbao(&["extract", path.to_str().unwrap()]),
            &path,
            "a .wps file that is not an OLE2 compound file: a WPS for DOS document",
        );
    }
}

/// `DeltaX` lists that repeat 2^64 times or run far past their characters are read as far as
/// the characters go: the report comes out at once (no standard tables, a warning).
#[test]
fn huge_ofd_delta_lists_are_read_as_far_as_their_characters_go() {
    let dir = tempfile::tempdir().unwrap();
    let long = vec!["4"; 1 << 20].join(" ");
    let objects = ofd_text(
        20.0,
        20.0,
        "某局2023年政府信息公开工作年度报告",
        "4 4 2 2 2 2 g 18446744073709551615 4 g 99999999999 1",
    ) + &ofd_text(20.0, 40.0, "本年度共主动公开信息120条。", &long);
    let path = write(
        dir.path(),
        "deltas.ofd",
        &ofd(&ofd_page(&objects), true, false),
    );
    let start = Instant::now();
    let run = nianbao(&["extract", path.to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(start.elapsed() < Duration::from_secs(20));
    let report = run.json();
    assert_eq!(report["source"]["format"], "ofd");
    assert_eq!(report["report"]["year"], 2023);
    assert!(
        run.warnings()[0].contains("no standard table"),
        "{:?}",
        run.warnings()
    );
}

/// A one-page PDF whose content stream is `data` behind `/Filter filter`; `after_stream` is
/// what follows the `stream` keyword (a line end, or a space before it).
fn pdf_with_content(filter: &str, data: &[u8], after_stream: &str) -> Vec<u8> {
    let mut content = format!(
        "<< /Filter {filter} /Length {} >>\nstream{after_stream}",
        data.len()
    )
    .into_bytes();
    content.extend(data);
    content.extend(b"\nendstream");
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_vec(),
        content,
    ];
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend(body);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(b"xref\n0 5\n0000000000 65535 f \n");
    for offset in offsets {
        out.extend(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!("trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    out
}

/// ASCII base-85 with its end marker.
fn ascii85(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for chunk in data.chunks(4) {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        let mut value = u32::from_be_bytes(word);
        if value == 0 && chunk.len() == 4 {
            out.push(b'z');
            continue;
        }
        let mut digits = [0u8; 5];
        for d in digits.iter_mut().rev() {
            *d = (value % 85) as u8 + b'!';
            value /= 85;
        }
        out.extend(&digits[..chunk.len() + 1]);
    }
    out.extend(b"~>");
    out
}

/// A PDF bomb in every filter chain is stopped while decoding, at the limit, with an error that
/// says so; the same file reads within a limit it fits. A bomb after `stream` followed by a
/// space (which the old reader's pre-scan missed while its parser inflated it) is not a
/// stream to the parser: it is never decoded.
#[test]
fn a_pdf_bomb_in_any_filter_chain_is_stopped_while_decoding() {
    let spaces = vec![b' '; 32 << 20];
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&spaces).unwrap();
    let flate = z.finish().unwrap();
    let hex: Vec<u8> = flate
        .iter()
        .flat_map(|b| format!("{b:02X}").into_bytes())
        .chain(*b">")
        .collect();
    let lzw = weezl::encode::Encoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8)
        .encode(&spaces)
        .unwrap();
    let run = [129u8, b' '].repeat(spaces.len() / 128);
    let spaced = pdf_with_content("/FlateDecode", &flate, " \r\n");
    let tight = Limits {
        pdf: nianbao_extract::PdfLimits {
            max_decoded_bytes: 4 << 20,
            ..Default::default()
        },
        ..Limits::default()
    };
    let err = extract_bytes(&spaced, "bomb.pdf", &tight)
        .unwrap_err()
        .to_string();
    assert!(err.contains("no text layer"), "{err}");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("/FlateDecode", flate.clone(), "\n"),
        ("[/ASCII85Decode /FlateDecode]", ascii85(&flate), "\n"),
        ("[/ASCIIHexDecode /FlateDecode]", hex, "\r\n"),
        ("/LZWDecode", lzw, "\n"),
        ("/RunLengthDecode", run, "\n"),
    ];
    for (filter, data, after_stream) in cases {
        let bytes = pdf_with_content(filter, &data, after_stream);
        let err = extract_bytes(&bytes, "bomb.pdf", &tight)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("decode to more than 4194304 bytes (a PDF bomb?)"),
            "{filter} {after_stream:?}: {err}"
        );
        // Within the default limit the page decodes (and has no text).
        let err = extract_bytes(&bytes, "bomb.pdf", &Limits::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("no text layer"), "{filter}: {err}");
    }
}

#[test]
fn a_docx_part_cut_short_is_read_with_a_warning() {
    let xml = document_xml(&"<w:p><w:r><w:t>0</w:t></w:r></w:p>".repeat(100));
    let cut = xml.find("</w:p>").unwrap() + "</w:p>".len();
    let bytes = zip(&[("word/document.xml", &xml.as_bytes()[..cut])]);
    let report = extract_bytes(&bytes, "cut.docx", &Limits::default()).unwrap();
    assert!(
        report.warnings.contains(
            &"word/document.xml ends inside an element: the document is cut short".to_string()
        ),
        "{:?}",
        report.warnings
    );
}

#[test]
fn an_xml_entity_bomb_is_read_literally() {
    let mut xml =
        String::from("<?xml version=\"1.0\"?><!DOCTYPE w:document [<!ENTITY lol \"lol\">");
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        xml += &format!("<!ENTITY lol{i} \"{}\">", format!("&{prev};").repeat(10));
    }
    xml += "]>";
    xml +=
        &document_xml("<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>")["<?xml version=\"1.0\"?>".len()..];
    let bytes = zip(&[("word/document.xml", xml.as_bytes())]);
    let doc = read::docx::read(&bytes, &Default::default()).unwrap();
    assert_eq!(
        doc.blocks,
        vec![nianbao_extract::Block::Paragraph("&lol9;".into())]
    );

    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "laughs.docx", &bytes);
    let run = nianbao(&["extract", path.to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.warnings()[0].contains("no standard table"));
}

#[test]
fn a_50_mb_page_is_read_once_and_its_tables_found() {
    // What makes real pages huge: inline scripts, images as data URIs, long boilerplate.
    let page = sample("county-2023-v2021.html");
    let cut = memchr_find(&page, b"<table").unwrap();
    let script = format!("<script>var d = \"{}\";</script>\n", "A".repeat(10 << 20));
    let image = format!(
        "<p><img src=\"data:image/png;base64,{}\"></p>\n",
        "iVBO".repeat(10 << 18)
    );
    let prose = format!(
        "<div class=\"pad\">{}</div>\n",
        "lorem ipsum dolor sit amet ".repeat(40)
    );
    let mut big = page[..cut].to_vec();
    big.extend_from_slice(script.as_bytes());
    big.extend_from_slice(image.as_bytes());
    big.extend_from_slice(prose.repeat((15 << 20) / prose.len()).as_bytes());
    big.extend_from_slice(&page[cut..]);
    big.extend_from_slice(prose.repeat((15 << 20) / prose.len()).as_bytes());
    assert!(big.len() > 50 << 20);
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "big.html", &big);
    drop(big);
    let run = nianbao(&["extract", path.to_str().unwrap()]);
    assert_truth(&run, "county-2023-v2021.html");
    assert_eq!(run.warnings(), Vec::<String>::new());

    let run = nianbao(&[
        "extract",
        path.to_str().unwrap(),
        "--max-input-bytes",
        "10000000",
    ]);
    assert_unreadable(&run, &path, "more than the input limit of 10000000 bytes");
}

fn memchr_find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn deep_nesting_and_huge_spans_are_cut_with_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let nested = "<table><tr><td>".repeat(1000) + "x" + &"</td></tr></table>".repeat(1000);
    let path = write(d, "nested.html", nested.as_bytes());
    let run = nianbao(&["extract", path.to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.warnings()
            .contains(&"tables nested deeper than 32 levels were read as text".to_string()),
        "{:?}",
        run.warnings()
    );

    let spans = "<table><tr><td colspan=\"1000000\" rowspan=\"100000\">x</td><td colspan=1000000 rowspan=100000>y</td>"
        .to_string()
        + &"<tr><td>z</td>".repeat(100_000)
        + "</table>";
    let path = write(d, "spans.html", spans.as_bytes());
    let run = nianbao(&["extract", path.to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let warnings = run.warnings();
    for want in [
        "a table has cell spans larger than the limits (1000 columns, 65534 rows): they were clamped",
        "the tables hold more than 1000000 cells (spans expanded): the rest was not read",
    ] {
        assert!(warnings.contains(&want.to_string()), "{warnings:?}");
    }
    // The limit is an option.
    let run = nianbao(&[
        "extract",
        path.to_str().unwrap(),
        "--max-table-cells",
        "5000",
    ]);
    assert!(run
        .warnings()
        .iter()
        .any(|w| w.contains("more than 5000 cells")));

    let long_cell = format!("<table><tr><td>{}</td></tr></table>", "长".repeat(1 << 20));
    let path = write(d, "long-cell.html", long_cell.as_bytes());
    let run = nianbao(&["extract", path.to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.warnings()
            .iter()
            .any(|w| w == "a table cell is longer than 1048576 bytes: the rest of it was not read"),
        "{:?}",
        run.warnings()
    );
}

#[test]
fn endless_documents_are_cut_at_the_paragraph_limit() {
    let dir = tempfile::tempdir().unwrap();
    let lines = "一、本年新收政府信息公开申请数量\n".to_string() + &"7\n".repeat(600_000);
    let paragraphs =
        "<p>一、本年新收政府信息公开申请数量</p>".to_string() + &"<p>7</p>".repeat(600_000);
    for (name, bytes, warning) in [
        (
            "lines.txt",
            lines,
            "the document has more than 500000 lines: the rest was not read",
        ),
        (
            "paragraphs.html",
            paragraphs,
            "the document has more than 500000 paragraphs: the rest was not read",
        ),
    ] {
        let path = write(dir.path(), name, bytes.as_bytes());
        let run = nianbao(&["extract", path.to_str().unwrap()]);
        assert_eq!(run.code, Some(0), "{name}: {}", run.stderr);
        assert!(
            run.warnings().contains(&warning.to_string()),
            "{name}: {:?}",
            run.warnings()
        );
    }
}

#[test]
fn utf16_and_mixed_encodings_still_give_the_tables() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let gbk = sample("county-2023-v2021.html");
    let (html, _, bad) = encoding_rs::GB18030.decode(&gbk);
    assert!(!bad);
    let utf16le: Vec<u8> = "\u{feff}"
        .encode_utf16()
        .chain(html.encode_utf16())
        .flat_map(u16::to_le_bytes)
        .collect();
    let utf16be: Vec<u8> = html.encode_utf16().flat_map(u16::to_be_bytes).collect();
    for (name, bytes) in [("utf16le-bom.html", utf16le), ("utf16be.html", utf16be)] {
        let path = write(d, name, &bytes);
        assert_truth(
            &nianbao(&["extract", path.to_str().unwrap()]),
            "county-2023-v2021.html",
        );
    }

    // A GBK page with a paragraph pasted in UTF-8.
    let at = memchr_find(&gbk, b"<table").unwrap();
    let mut mixed = gbk[..at].to_vec();
    mixed.extend_from_slice("<p>（本段由其他系统粘贴：政府信息公开）</p>".as_bytes());
    mixed.extend_from_slice(&gbk[at..]);
    let path = write(d, "mixed.html", &mixed);
    assert_truth(
        &nianbao(&["extract", path.to_str().unwrap()]),
        "county-2023-v2021.html",
    );

    // A page declared UTF-8 with bytes that are not UTF-8 in its prose.
    let utf8 = html.replace("charset=gb2312", "charset=utf-8");
    let at = utf8.find("<table").unwrap();
    let mut broken = utf8.as_bytes()[..at].to_vec();
    broken.extend_from_slice(b"<p>\xff\xfe\xc3(\xe4\xb8</p>");
    broken.extend_from_slice(&utf8.as_bytes()[at..]);
    let path = write(d, "invalid-utf8.html", &broken);
    let run = nianbao(&["extract", path.to_str().unwrap()]);
    assert_truth(&run, "county-2023-v2021.html");
    assert!(
        run.warnings().contains(
            &"the bytes are not valid UTF-8: malformed sequences were replaced".to_string()
        ),
        "{:?}",
        run.warnings()
    );
}

#[test]
fn a_report_whose_tables_are_images_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let html = "<html><head><meta charset=utf-8><title>某局2023年政府信息公开工作年度报告</title></head><body>\
        <p>二、主动公开政府信息情况</p><p><img src=\"t2.png\"></p>\
        <p>三、收到和处理政府信息公开申请情况</p><p><img src=\"t3.png\" alt=\"表三\"></p>\
        <p>四、政府信息公开行政复议、行政诉讼情况</p><img src=\"t4.png\"></body></html>";
    let body = "<w:p><w:r><w:t>三、收到和处理政府信息公开申请情况</w:t></w:r></w:p>\
        <w:p><w:r><w:drawing><wp:inline/></w:drawing></w:r></w:p>";
    let docx = zip(&[("word/document.xml", document_xml(body).as_bytes())]);
    for (name, bytes, images) in [
        ("images.html", html.as_bytes().to_vec(), 3),
        ("images.docx", docx, 1),
    ] {
        let path = write(dir.path(), name, &bytes);
        let run = nianbao(&["extract", path.to_str().unwrap()]);
        assert_eq!(run.code, Some(0), "{name}: {}", run.stderr);
        assert_eq!(run.json()["cells"], serde_json::json!([]));
        let warnings = run.warnings();
        assert!(
            warnings[0].starts_with("no standard table"),
            "{name}: {warnings:?}"
        );
        assert_eq!(
            warnings[1],
            format!(
                "the document shows {images} image(s): tables printed as images are not read (OCR them, or use the DOCX or text form)"
            ),
            "{name}"
        );
    }
}

#[test]
fn truncated_text_documents_are_read_as_far_as_they_go() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "county-2023-v2021.html",
        "county-2023-v2021.tab.txt",
        "bureau-2020-v2019.lo.txt",
    ] {
        let bytes = sample(name);
        for cut in [bytes.len() / 3, bytes.len() / 2] {
            let path = write(dir.path(), &format!("cut-{cut}-{name}"), &bytes[..cut]);
            let run = nianbao(&["extract", path.to_str().unwrap()]);
            assert_eq!(run.code, Some(0), "{name} cut at {cut}: {}", run.stderr);
            assert!(
                !run.warnings().is_empty(),
                "{name} cut at {cut}: a cut table is reported"
            );
        }
    }
}

#[test]
fn output_files_are_written_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let input = write(d, "report.html", &sample("county-2023-v2021.html"));
    let out = d.join("report.json");
    let run = nianbao(&[
        "extract",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.is_empty());
    let written = std::fs::read(&out).unwrap();
    assert_eq!(
        written,
        nianbao(&["extract", input.to_str().unwrap()]).stdout
    );
    let names = |d: &Path| {
        let mut names: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(
        names(d),
        vec!["report.html", "report.json"],
        "no temporary file is left"
    );

    // An unreadable input leaves the previous output as it was.
    let bad = write(d, "bad.docx", b"PK\x03\x04broken");
    let run = nianbao(&[
        "extract",
        bad.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_unreadable(&run, &bad, "DOCX");
    assert_eq!(std::fs::read(&out).unwrap(), written);

    // An output that cannot be written is an error naming it; nothing is left behind.
    let missing = d.join("no-such-folder/report.json");
    let run = nianbao(&[
        "extract",
        input.to_str().unwrap(),
        "-o",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr
            .contains("no-such-folder/report.json: cannot write the output"),
        "{}",
        run.stderr
    );
    assert_eq!(names(d), vec!["bad.docx", "report.html", "report.json"]);
}

#[test]
fn bad_limit_options_are_argument_errors() {
    for args in [
        &["extract", "x.html", "--max-table-cells", "many"][..],
        &["extract", "x.html", "--max-docx-xml-bytes", "-1"],
        &["extract", "x.html", "--max-solver-nodes"],
    ] {
        let run = nianbao(args);
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
    }
}

/// Run-together digits are solved within the solver's budget, which an option sets; a spent
/// budget leaves cells ambiguous with a warning, never a wrong or a slow answer.
#[test]
fn run_together_digits_are_bounded_by_the_solver_budget() {
    let dir = tempfile::tempdir().unwrap();
    let dump = "一、本年新收政府信息公开申请数量640020470二、上年结转政府信息公开申请数量0000000\
        三、本年度办理结果（一）予以公开270020130（二）部分公开0000000（三）不予公开1.属于国家秘密0000000\
        2.其他法律行政法规禁止公开0000000四、结转下年度继续办理 0 0 00 00 0\n";
    let path = write(dir.path(), "runs.txt", dump.as_bytes());
    let spent =
        "table3.new_received: the search budget ran out; cells not proven unique are ambiguous";
    for (nodes, budget_ran_out) in [("200000", false), ("0", true)] {
        let run = nianbao(&[
            "extract",
            path.to_str().unwrap(),
            "--max-solver-nodes",
            nodes,
        ]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        let report = run.json();
        let new_received: Vec<f64> = report["cells"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| {
                c["key"]
                    .as_str()
                    .unwrap()
                    .starts_with("table3.new_received.")
            })
            .map(|c| c["value"].as_f64().unwrap())
            .collect();
        assert_eq!(
            new_received,
            vec![64.0, 0.0, 0.0, 2.0, 0.0, 4.0, 70.0],
            "{nodes}"
        );
        let warnings = run.warnings();
        assert_eq!(
            warnings.contains(&spent.to_string()),
            budget_ran_out,
            "{nodes}: {warnings:?}"
        );
        assert!(warnings.contains(
            &"table3.result.granted: run \"270020130\" has 2 readings: 2|7|0|0|20|1|30 ; 27|0|0|2|0|1|30"
                .to_string()
        ));
    }
    // Runs too long for any cell are refused before any search.
    let digits = "1".repeat(60);
    let long = format!(
        "一、本年新收政府信息公开申请数量{digits}二、上年结转政府信息公开申请数量{digits}\
        三、本年度办理结果（一）予以公开{digits}（三）不予公开1.属于国家秘密{digits}\n"
    );
    let path = write(dir.path(), "long-runs.txt", long.as_bytes());
    let run = nianbao(&["extract", path.to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run
        .warnings()
        .iter()
        .any(|w| w.contains("could hold a cell of more than 18 digits")));
}

/// Every reproducer a fuzzer found, replayed through the entry point of its target
/// (`tests/regressions/TARGET-NAME`), then through the whole pipeline.
#[test]
fn fuzzer_reproducers_stay_fixed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/regressions");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".md") {
            continue;
        }
        let bytes = std::fs::read(&file).unwrap();
        let target = name.split('-').next().unwrap();
        replay(target, &bytes);
        let _ = extract_bytes(&bytes, &name, &Limits::default());
    }
}

/// What `fuzz/fuzz_targets/TARGET.rs` does with its input.
fn replay(target: &str, data: &[u8]) {
    let source = nianbao_schema::Source::default;
    match target {
        "html" => {
            let decoded = nianbao_format::decode::decode(data, true);
            report_from_document(&read::html::read(&decoded.text), source(), Vec::new());
        }
        "docx" => {
            let limits = read::docx::DocxLimits::default();
            let doc = if data.starts_with(b"PK") {
                read::docx::read(data, &limits)
            } else {
                read::docx::read_document_xml(data, &limits)
            };
            if let Ok(doc) = doc {
                report_from_document(&doc, source(), Vec::new());
            }
        }
        "text" => {
            let text = String::from_utf8_lossy(data);
            for doc in [read::text::read(&text), read::markdown::read(&text)] {
                report_from_document(&doc, source(), Vec::new());
            }
        }
        "solver" => read::solve_fuzz_input(data),
        "extract" => {
            let _ = extract_bytes(data, "fuzz", &Limits::default());
        }
        other => panic!("tests/regressions: unknown target {other}"),
    }
}
