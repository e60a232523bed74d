//! Scanned reports read by OCR (`--features ocr`; Tesseract 5 with chi_sim installed): the
//! corpus's `scan.pdf` pages, rasterised here with poppler's `pdftoppm` at 200 dpi gray, scored
//! cell by cell against `truth.json` with the semantics of `shared/tools/score.py`; a page
//! turned by 0.5° is read like the straight one; a PNG goes through `read()`, and so does each
//! `scan.pdf` itself (its page images from nianbao-pdf). Prints the time and peak memory per
//! page.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use nianbao_extract::{
    extract_bytes, read_scanned_pages, report_from_document, Format, GrayImage, Limits, ReadLimits,
    ScannedPage,
};
use nianbao_schema::{Report, Source};

const REPORTS: &str = "../../../shared/corpus/reports";
const SCANS: [&str; 4] = [
    "pingtan-2019",
    "pingtan-2024",
    "qiaokou-xzspj-2021",
    "shanghai-bgt-2019",
];

fn report_dir(id: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(REPORTS).join(id)
}

/// Folders made by [`scratch_dir`], so that tests running at once use folders of their own.
static CALLS: AtomicUsize = AtomicUsize::new(0);

/// A new empty folder for one call's files (`what` names it).
fn scratch_dir(what: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "nianbao-ocr-{what}-{}-{}",
        std::process::id(),
        CALLS.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
/// The pages of a report's scan at 200 dpi, gray, through `pdftoppm` (binary PGM).
fn pages(id: &str) -> Vec<ScannedPage> {
    let dir = scratch_dir(id);
    let status = Command::new("pdftoppm")
        .args(["-r", "200", "-gray"])
        .arg(report_dir(id).join("scan.pdf"))
        .arg(dir.join("page"))
        .status()
        .expect("pdftoppm (poppler-utils) runs");
    assert!(status.success());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let pages = files
        .iter()
        .map(|f| ScannedPage {
            image: GrayImage::from_pgm(&std::fs::read(f).unwrap()).expect("a PGM from pdftoppm"),
            ppi: 200,
        })
        .collect();
    std::fs::remove_dir_all(&dir).unwrap();
    pages
}

/// Score of one report, as `score.py` counts.
#[derive(Debug, Default)]
struct Score {
    cells: usize,
    correct: usize,
    wrong: Vec<String>,
    missing: usize,
    silent: usize,
}

fn score(id: &str, report: &Report) -> Score {
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(report_dir(id).join("truth.json")).unwrap()).unwrap();
    let unscored: Vec<&str> = truth["unscored"]
        .as_array()
        .map(|a| a.iter().filter_map(|k| k.as_str()).collect())
        .unwrap_or_default();
    let mut s = Score::default();
    for (key, want) in truth["cells"].as_object().unwrap() {
        if unscored.contains(&key.as_str()) {
            continue;
        }
        s.cells += 1;
        let Some(cell) = report.cell(key) else {
            s.missing += 1;
            continue;
        };
        let got = cell.value.map(|v| v.as_f64());
        let same = match (want.as_f64(), got) {
            (None, None) => want.is_null(),
            (Some(a), Some(b)) => (a - b).abs() <= 1e-6,
            _ => false,
        };
        if same {
            s.correct += 1;
        } else {
            s.wrong.push(format!("{key}: {want} read {:?}", cell.raw));
        }
    }
    let flagged = report.checks.iter().any(|c| !c.passed) || !report.warnings.is_empty();
    s.silent = if flagged { 0 } else { s.wrong.len() };
    s
}

/// The score of a report read from `id`'s scan (`how`, for the line printed), which must have
/// no silent error and at least 95% of the cells right.
fn scored_right(id: &str, how: &str, report: &Report) -> Score {
    let s = score(id, report);
    println!(
        "{id} {how}: {}/{} correct, silent {}, wrong {:?}",
        s.correct, s.cells, s.silent, s.wrong
    );
    assert_eq!(s.silent, 0, "{id}");
    assert!(s.correct * 100 >= s.cells * 95, "{id}: {:?}", s.wrong);
    s
}

/// CPU seconds used by this thread so far (user + system), from `/proc/thread-self/stat`: the
/// other tests run on threads of their own.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .unwrap()
        .1
        .split_whitespace()
        .collect();
    // utime and stime are fields 14 and 15, counted from 1 with pid and comm first.
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / 100.0
}

/// The peak resident memory of this process, in MiB (the tests running at the same time
/// included).
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    kib / 1024.0
}

fn source(id: &str) -> Source {
    Source {
        path: format!("{id}/scan.pdf"),
        ..Source::default()
    }
}

#[test]
fn scans_are_read_with_every_error_flagged() {
    let (mut total, mut correct, mut silent) = (0, 0, 0);
    for id in SCANS {
        let pages = pages(id);
        let (wall, cpu) = (Instant::now(), cpu_seconds());
        let document = read_scanned_pages(&pages, &ReadLimits::default()).unwrap();
        let (wall, cpu) = (wall.elapsed().as_secs_f64(), cpu_seconds() - cpu);
        let report = report_from_document(&document, source(id), Vec::new());
        let s = score(id, &report);
        println!(
            "{id}: {}/{} correct, wrong {}, missing {}, silent {}; {} pages, per page {:.2} s wall, {:.2} s CPU; peak RSS {:.0} MiB",
            s.correct,
            s.cells,
            s.wrong.len(),
            s.missing,
            s.silent,
            pages.len(),
            wall / pages.len() as f64,
            cpu / pages.len() as f64,
            peak_rss_mib()
        );
        for w in &s.wrong {
            println!("  wrong {w}");
        }
        for w in &report.warnings {
            println!("  warning {w}");
        }
        total += s.cells;
        correct += s.correct;
        silent += s.silent;
    }
    println!("TOTAL {correct}/{total}, silent {silent}");
    assert!(correct * 100 >= total * 95, "{correct}/{total} cells right");
    assert_eq!(silent, 0);
}

#[test]
fn a_page_turned_half_a_degree_reads_like_the_straight_one() {
    let straight = pages("pingtan-2019");
    let turned: Vec<ScannedPage> = straight
        .iter()
        .map(|p| ScannedPage {
            image: p.image.rotated(0.5),
            ppi: p.ppi,
        })
        .collect();
    let read = |pages: &[ScannedPage]| {
        let document = read_scanned_pages(pages, &ReadLimits::default()).unwrap();
        report_from_document(&document, source("pingtan-2019"), Vec::new())
    };
    let (a, b) = (read(&straight), read(&turned));
    let s = score("pingtan-2019", &b);
    println!(
        "turned 0.5°: {}/{} correct, wrong {:?}",
        s.correct, s.cells, s.wrong
    );
    assert_eq!(s.silent, 0);
    assert!(s.correct * 100 >= s.cells * 95);
    let values = |r: &Report| {
        r.cells
            .iter()
            .map(|c| (c.key.clone(), c.value))
            .collect::<Vec<_>>()
    };
    assert_eq!(values(&a), values(&b));
}

#[test]
fn a_png_page_is_read_through_the_one_entry_point() {
    let page = pages("pingtan-2019").remove(0);
    let mut png_bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(
            &mut png_bytes,
            page.image.width as u32,
            page.image.height as u32,
        );
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_pixel_dims(Some(png::PixelDimensions {
            xppu: 7874,
            yppu: 7874,
            unit: png::Unit::Meter,
        }));
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(&page.image.pixels).unwrap();
    }
    let read = nianbao_extract::read(&png_bytes, &Limits::default()).unwrap();
    assert_eq!(read.format, Format::Image);
    let report = extract_bytes(&png_bytes, "page-1.png", &Limits::default()).unwrap();
    // Page 1 holds table 二 and the start of table 三.
    let value = |key| report.cell(key).and_then(|c| c.value).map(|v| v.as_f64());
    assert_eq!(value("table3.new_received.total"), Some(23.0));
    assert_eq!(
        value("table2.art20_9.central_procurement.amount"),
        Some(75394432.52)
    );
}

#[test]
fn a_misread_unsure_digit_is_flagged_with_the_value_that_restores_its_sum_but_kept() {
    let mut document = read_scanned_pages(&pages("pingtan-2019"), &ReadLimits::default()).unwrap();
    // 予以公开 by natural persons is printed 7 (row total 7): make the engine misread it as 1.
    let cell = document
        .blocks
        .iter_mut()
        .filter_map(|b| match b {
            nianbao_extract::Block::Table(g) => Some(g),
            _ => None,
        })
        .flat_map(|g| g.rows.iter_mut().flatten())
        .find(|c| c.text == "7")
        .expect("a cell printed 7");
    cell.text = "1".into();
    cell.confidence = Some(0.41);
    let report = report_from_document(&document, source("pingtan-2019"), Vec::new());
    let key = "table3.result.granted.natural_person";
    assert_eq!(
        report.cell(key).and_then(|c| c.value).map(|v| v.as_f64()),
        Some(1.0),
        "the value read is kept"
    );
    assert!(report.checks.iter().any(|c| !c.passed));
    let warned = |what: &str| report.warnings.iter().any(|w| w.contains(what));
    assert!(
        warned(&format!("{key}: read from a scan with confidence 0.41")),
        "{:?}",
        report.warnings
    );
    assert!(
        warned("would restore it as 7 instead of 1"),
        "{:?}",
        report.warnings
    );
}

/// Every corpus scan through `read()`: its page images come from nianbao-pdf
/// (`page_images`: Flate with PNG predictors, under the byte budget), not from pdftoppm.
#[test]
fn every_scanned_pdf_is_read_from_its_page_images() {
    let (mut cells, mut correct) = (0, 0);
    for id in SCANS {
        let bytes = std::fs::read(report_dir(id).join("scan.pdf")).unwrap();
        let report = extract_bytes(&bytes, "scan.pdf", &Limits::default()).unwrap();
        assert_eq!(report.source.format, "pdf");
        let s = scored_right(id, "through read()", &report);
        (cells, correct) = (cells + s.cells, correct + s.correct);
    }
    println!("TOTAL through read(): {correct}/{cells}");
}

/// The pages of a report's scan at 200 dpi, gray, as JPEG files (`pdftoppm -jpeg`, which
/// states no resolution).
fn jpeg_pages(id: &str) -> Vec<Vec<u8>> {
    let dir = scratch_dir(id);
    let status = Command::new("pdftoppm")
        .args(["-r", "200", "-gray", "-jpeg"])
        .arg(report_dir(id).join("scan.pdf"))
        .arg(dir.join("page"))
        .status()
        .expect("pdftoppm (poppler-utils) runs");
    assert!(status.success());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let pages = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    std::fs::remove_dir_all(&dir).unwrap();
    pages
}

#[test]
fn a_jpeg_page_is_read_through_the_one_entry_point() {
    let jpeg = jpeg_pages("pingtan-2024").remove(1);
    let read = nianbao_extract::read(&jpeg, &Limits::default()).unwrap();
    assert_eq!(read.format, Format::Image);
    let grids = read
        .document
        .blocks
        .iter()
        .filter(|b| matches!(b, nianbao_extract::Block::Table(_)))
        .count();
    assert!(grids >= 1, "{:?}", read.document);
    // Every cell of a scanned grid carries a confidence.
    for block in &read.document.blocks {
        if let nianbao_extract::Block::Table(grid) = block {
            assert!(grid.rows.iter().flatten().all(|c| c.confidence.is_some()));
        }
    }
}

/// The pages of a report's scan at 200 dpi in black and white, as a scanner's black-and-white
/// mode makes them: the gray pages of [`pages`], black below three quarters of white, which
/// keeps the thin rules of the tables (at half, the OCR reads 125 of pingtan-2019's 198 cells,
/// every error flagged: rules break up and cells run together). Each page's width, height and
/// pixels (true: black), row after row.
fn mono_pages(id: &str) -> Vec<(usize, usize, Vec<bool>)> {
    pages(id)
        .into_iter()
        .map(|p| {
            let black = p.image.pixels.iter().map(|&g| g < 192).collect();
            (p.image.width, p.image.height, black)
        })
        .collect()
}

/// A page's pixels coded as fax Group 4 (`/K -1`), ending with the end-of-block code.
fn group4(width: usize, pixels: &[bool]) -> Vec<u8> {
    use fax::{encoder::Encoder, Color, VecWriter};
    let mut encoder = Encoder::new(VecWriter::new());
    for row in pixels.chunks(width) {
        let colors = row.iter().map(|&black| match black {
            true => Color::Black,
            false => Color::White,
        });
        encoder.encode_line(colors, width as u16).unwrap();
    }
    encoder.finish().unwrap().finish()
}

/// A page's pixels as JBIG2 segments as a PDF embeds them (no file header, no end-of-page
/// segment): its page information, and one immediate lossless generic region coded MMR (the
/// same Group 4 code as a fax image, T.88 §6.2.6).
fn jbig2(width: usize, height: usize, pixels: &[bool]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut segment = |number: u32, kind: u8, data: &[u8]| {
        out.extend(number.to_be_bytes());
        out.push(kind); // the type; a page association of one byte
        out.push(0); // no segment referred to
        out.push(1); // page 1
        out.extend((data.len() as u32).to_be_bytes());
        out.extend(data);
    };
    let (w, h) = ((width as u32).to_be_bytes(), (height as u32).to_be_bytes());
    let mut page = [w, h, 0u32.to_be_bytes(), 0u32.to_be_bytes()].concat();
    page.extend([0, 0, 0]); // flags (white by default), not striped
    segment(0, 48, &page);
    let mut region = [w, h, 0u32.to_be_bytes(), 0u32.to_be_bytes()].concat();
    region.push(0); // combined by OR
    region.push(1); // MMR
    region.extend(group4(width, pixels));
    segment(1, 39, &region);
    out
}

/// A PDF whose pages each draw one image at 200 dpi: each page's width and height, the rest of
/// its image's dictionary (`/BitsPerComponent 1 /ColorSpace /DeviceGray /Filter /JBIG2Decode`)
/// and its coded bytes; `page_entries` go into every page's dictionary (`/Rotate 90`), and
/// `footer` is printed at the foot of every page as text (STSong-Light, UniGB-UCS2-H), when
/// there is one.
fn scan_pdf(
    pages: &[(usize, usize, String, Vec<u8>)],
    page_entries: &str,
    footer: Option<&str>,
) -> Vec<u8> {
    let n = pages.len();
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 3 + 3 * i)).collect();
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" ")).into_bytes(),
    ];
    for (i, (width, height, entries, data)) in pages.iter().enumerate() {
        let (w, h) = (*width as f64 * 0.36, *height as f64 * 0.36); // 72 / 200 points a pixel
        let text = footer.map_or(String::new(), |t| {
            let ucs2: String = t.encode_utf16().map(|u| format!("{u:04X}")).collect();
            format!(" BT /F1 10 Tf {:.2} 20 Td <{ucs2}> Tj ET", w / 2.0)
        });
        let content = format!("q {w:.2} 0 0 {h:.2} 0 0 cm /Im0 Do Q{text}");
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w:.2} {h:.2}] {page_entries} \
                 /Resources << /XObject << /Im0 {} 0 R >> /Font << /F1 << /Type /Font \
                 /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H \
                 /DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 \
                 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) \
                 /Ordering (GB1) /Supplement 4 >> >>] >> >> >> /Contents {} 0 R >>",
                5 + 3 * i,
                4 + 3 * i
            )
            .into_bytes(),
        );
        objects.push(
            format!(
                "<< /Length {} >>\nstream\n{content}\nendstream",
                content.len() + 1
            )
            .into_bytes(),
        );
        let mut image = format!(
            "<< /Type /XObject /Subtype /Image /Width {width} /Height {height} {entries} \
             /Length {} >>\nstream\n",
            data.len()
        )
        .into_bytes();
        image.extend(data);
        image.extend(b"\nendstream");
        objects.push(image);
    }
    nianbao_pdf::testing::write_pdf(&objects)
}

/// The image dictionary's entries of a black-and-white image.
const BILEVEL: &str = "/BitsPerComponent 1 /ColorSpace /DeviceGray";

/// Black-and-white scans as office scanners (CCITT fax Group 4) and PDF optimisers (JBIG2)
/// store them: every corpus scan, turned black and white, read through `read()` from each.
#[test]
fn black_and_white_scans_in_fax_and_jbig2_pdfs_are_read() {
    let (mut cells, mut correct) = (0, 0);
    for id in SCANS {
        let pages = mono_pages(id);
        let fax: Vec<_> = pages
            .iter()
            .map(|(w, h, pixels)| {
                let entries = format!(
                    "{BILEVEL} /Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns {w} /Rows {h} >>"
                );
                (*w, *h, entries, group4(*w, pixels))
            })
            .collect();
        let report =
            extract_bytes(&scan_pdf(&fax, "", None), "scan.pdf", &Limits::default()).unwrap();
        let s = scored_right(id, "in black and white, fax-coded", &report);
        (cells, correct) = (cells + s.cells, correct + s.correct);
        // The same pixels as JBIG2 read the same: the two decoders agree to the pixel.
        if id == "pingtan-2024" {
            let jbig2: Vec<_> = pages
                .iter()
                .map(|(w, h, pixels)| {
                    let entries = format!("{BILEVEL} /Filter /JBIG2Decode");
                    (*w, *h, entries, jbig2(*w, *h, pixels))
                })
                .collect();
            let again =
                extract_bytes(&scan_pdf(&jbig2, "", None), "scan.pdf", &Limits::default()).unwrap();
            assert_eq!(again.cells, report.cells);
        }
    }
    println!("TOTAL black and white: {correct}/{cells}");
}

/// A page coded as JPEG 2000 (a JP2 file) by OpenJPEG's `opj_compress`, at a compression ratio
/// of 20 (lossy, as scans are stored).
fn jpeg2000(page: &GrayImage) -> Vec<u8> {
    let dir = scratch_dir("jpx");
    let mut pgm = format!("P5\n{} {}\n255\n", page.width, page.height).into_bytes();
    pgm.extend(&page.pixels);
    std::fs::write(dir.join("page.pgm"), pgm).unwrap();
    let status = Command::new("opj_compress")
        .args(["-r", "20", "-i"])
        .arg(dir.join("page.pgm"))
        .arg("-o")
        .arg(dir.join("page.jp2"))
        .stdout(std::process::Stdio::null())
        .status()
        .expect("opj_compress (libopenjp2-tools) runs");
    assert!(status.success());
    let jp2 = std::fs::read(dir.join("page.jp2")).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    jp2
}

/// Scans stored as JPEG 2000 (`/JPXDecode`, the colour space the codestream's own): every
/// corpus scan, its gray pages coded lossy, read through `read()`.
#[test]
fn jpeg2000_scans_are_read() {
    let (mut cells, mut correct) = (0, 0);
    for id in SCANS {
        let pages: Vec<_> = pages(id)
            .iter()
            .map(|p| {
                let entries = "/Filter /JPXDecode".to_string();
                (p.image.width, p.image.height, entries, jpeg2000(&p.image))
            })
            .collect();
        let report =
            extract_bytes(&scan_pdf(&pages, "", None), "scan.pdf", &Limits::default()).unwrap();
        let s = scored_right(id, "in JPEG 2000", &report);
        (cells, correct) = (cells + s.cells, correct + s.correct);
    }
    println!("TOTAL JPEG 2000: {correct}/{cells}");
}

/// An OFD package whose pages each show one image, A4, from the document's resources (as OFD
/// scans are stored): `images` are the image files, one a page, named `page_N.{extension}`.
fn scanned_ofd(images: &[Vec<u8>], extension: &str) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    let mut put = |name: &str, bytes: &[u8]| {
        zip.start_file(name, options).unwrap();
        zip.write_all(bytes).unwrap();
    };
    put(
        "OFD.xml",
        b"<ofd:OFD xmlns:ofd=\"http://www.ofdspec.org/2016\"><ofd:DocBody>\
          <ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
    );
    let (mut pages, mut media) = (String::new(), String::new());
    for (i, image) in images.iter().enumerate() {
        pages += &format!("<ofd:Page ID=\"{i}\" BaseLoc=\"Pages/Page_{i}/Content.xml\"/>");
        media += &format!(
            "<ofd:MultiMedia ID=\"{}\" Type=\"Image\"><ofd:MediaFile>page_{i}.{extension}\
             </ofd:MediaFile></ofd:MultiMedia>",
            100 + i
        );
        put(&format!("Doc_0/Res/page_{i}.{extension}"), image);
        put(
            &format!("Doc_0/Pages/Page_{i}/Content.xml"),
            format!(
                "<ofd:Page xmlns:ofd=\"x\"><ofd:Content><ofd:Layer ID=\"1\">\
                 <ofd:ImageObject ID=\"{i}\" Boundary=\"0 0 210 297\" CTM=\"210 0 0 297 0 0\" \
                 ResourceID=\"{}\"/></ofd:Layer></ofd:Content></ofd:Page>",
                100 + i
            )
            .as_bytes(),
        );
    }
    put(
        "Doc_0/Document.xml",
        format!(
            "<ofd:Document xmlns:ofd=\"x\"><ofd:CommonData><ofd:PageArea>\
             <ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>\
             <ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes></ofd:CommonData>\
             <ofd:Pages>{pages}</ofd:Pages></ofd:Document>"
        )
        .as_bytes(),
    );
    put(
        "Doc_0/DocumentRes.xml",
        format!(
            "<ofd:Res xmlns:ofd=\"x\" BaseLoc=\"Res\"><ofd:MultiMedias>{media}\
             </ofd:MultiMedias></ofd:Res>"
        )
        .as_bytes(),
    );
    zip.finish().unwrap().into_inner()
}

/// Scanned OFDs (pages of JPEG images among the document's resources): every corpus scan.
#[test]
fn scanned_ofds_are_read() {
    let (mut cells, mut correct) = (0, 0);
    for id in SCANS {
        let ofd = scanned_ofd(&jpeg_pages(id), "jpg");
        let read = nianbao_extract::read(&ofd, &Limits::default()).unwrap();
        assert_eq!(read.format, Format::Ofd);
        let report = extract_bytes(&ofd, "scan.ofd", &Limits::default()).unwrap();
        let s = scored_right(id, "in an OFD of JPEG pages", &report);
        (cells, correct) = (cells + s.cells, correct + s.correct);
    }
    println!("TOTAL OFD: {correct}/{cells}");
    // Black and white, as JBIG2 files (`.jb2`, sequential, one page each).
    let id = "pingtan-2019";
    let files: Vec<Vec<u8>> = mono_pages(id)
        .iter()
        .map(|(w, h, pixels)| {
            let mut file = b"\x97JB2\r\n\x1A\n\x01".to_vec();
            file.extend(1u32.to_be_bytes());
            file.extend(jbig2(*w, *h, pixels));
            file.extend([0, 0, 0, 9, 49, 0, 1, 0, 0, 0, 0]); // segment 9: end of page 1
            file
        })
        .collect();
    let ofd = scanned_ofd(&files, "jb2");
    let report = extract_bytes(&ofd, "scan.ofd", &Limits::default()).unwrap();
    scored_right(id, "in an OFD of JBIG2 pages", &report);
}

/// A DOCX of a title and `pictures` (JPEG files), one a paragraph, each drawn A4 wide: a scan
/// pasted into Word.
fn pictured_docx(pictures: &[Vec<u8>]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    let mut put = |name: &str, bytes: &[u8]| {
        zip.start_file(name, options).unwrap();
        zip.write_all(bytes).unwrap();
    };
    let (mut body, mut rels) = (String::new(), String::new());
    for (i, picture) in pictures.iter().enumerate() {
        body += &format!(
            "<w:p><w:r><w:drawing><wp:inline><wp:extent cx=\"7560000\" cy=\"10692000\"/>\
             <a:graphic><a:graphicData><pic:pic><pic:blipFill><a:blip r:embed=\"rId{i}\"/>\
             </pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing>\
             </w:r></w:p>"
        );
        rels += &format!(
            "<Relationship Id=\"rId{i}\" Type=\"http://schemas.openxmlformats.org/\
             officeDocument/2006/relationships/image\" Target=\"media/image{i}.jpeg\"/>"
        );
        put(&format!("word/media/image{i}.jpeg"), picture);
    }
    put(
        "word/document.xml",
        format!(
            "<w:document xmlns:w=\"w\" xmlns:wp=\"wp\" xmlns:a=\"a\" xmlns:pic=\"pic\" \
             xmlns:r=\"r\"><w:body><w:p><w:r><w:t>政府信息公开工作年度报告</w:t></w:r></w:p>\
             {body}</w:body></w:document>"
        )
        .as_bytes(),
    );
    put(
        "word/_rels/document.xml.rels",
        format!("<Relationships xmlns=\"r\">{rels}</Relationships>").as_bytes(),
    );
    zip.finish().unwrap().into_inner()
}

/// A DOCX whose tables are pictures (the pages of a scan pasted into Word): its pictures are
/// read by OCR, and a warning says so.
#[test]
fn a_docx_of_pictured_tables_is_read_by_ocr() {
    for id in ["pingtan-2019", "qiaokou-xzspj-2021"] {
        let docx = pictured_docx(&jpeg_pages(id));
        let report = extract_bytes(&docx, "report.docx", &Limits::default()).unwrap();
        assert_eq!(report.source.format, "docx");
        scored_right(id, "as pictures in a DOCX", &report);
        assert_said_ocr(&report);
    }
}

/// Scans stored sideways on pages the PDF shows turned (`/Rotate 90`, as scanners store a
/// landscape page): every page of pingtan-2024, its pixels turned a quarter anticlockwise, is
/// read as the page shows it.
#[test]
fn a_scan_stored_sideways_is_read_as_its_page_shows_it() {
    let id = "pingtan-2024";
    let sideways: Vec<_> = pages(id)
        .iter()
        .map(|p| {
            let (w, h) = (p.image.width, p.image.height);
            // Anticlockwise: the new row y is the old column w - 1 - y, read top down.
            let turned: Vec<u8> = (0..w)
                .flat_map(|y| (0..h).map(move |x| p.image.pixels[x * w + w - 1 - y]))
                .collect();
            let (entries, data) = flate_gray(&turned);
            (h, w, entries, data)
        })
        .collect();
    let pdf = scan_pdf(&sideways, "/Rotate 90", None);
    let report = extract_bytes(&pdf, "scan.pdf", &Limits::default()).unwrap();
    scored_right(id, "stored sideways, shown turned", &report);
}

/// Tables printed as pictures under a text layer that holds none (a running title in text on
/// every page, more than a page number, which alone counts as no text layer): the text is read,
/// holds no standard table, and the pages' pictures are read by OCR.
#[test]
fn pictured_tables_under_a_text_layer_are_read_by_ocr() {
    let id = "pingtan-2019";
    let scans: Vec<_> = pages(id)
        .iter()
        .map(|p| {
            let (entries, data) = flate_gray(&p.image.pixels);
            (p.image.width, p.image.height, entries, data)
        })
        .collect();
    let pdf = scan_pdf(
        &scans,
        "",
        Some("平潭综合实验区二〇一九年政府信息公开工作年度报告"),
    );
    let report = extract_bytes(&pdf, "scan.pdf", &Limits::default()).unwrap();
    scored_right(id, "as pictures under a text layer", &report);
    assert_said_ocr(&report);
}

/// 8-bit gray pixels as a Flate image: its dictionary's entries and its data.
fn flate_gray(pixels: &[u8]) -> (String, Vec<u8>) {
    use flate2::{write::ZlibEncoder, Compression};
    use std::io::Write;
    let mut zlib = ZlibEncoder::new(Vec::new(), Compression::fast());
    zlib.write_all(pixels).unwrap();
    let entries = "/BitsPerComponent 8 /ColorSpace /DeviceGray /Filter /FlateDecode";
    (entries.to_string(), zlib.finish().unwrap())
}

/// The report says that pictures were read by OCR.
fn assert_said_ocr(report: &Report) {
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("were read by OCR")),
        "{:?}",
        report.warnings
    );
}
