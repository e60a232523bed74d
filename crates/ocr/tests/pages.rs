//! The scans of the corpus, rasterised with poppler's `pdftoppm`: tables found, cells read.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use nianbao_ocr::{read_page, Engine, GrayImage, Limits, OcrError, PageBlock, Table};

const SCANS: &str = "../../../shared/corpus/reports";

/// Calls of `pages`, so that tests running at once use folders of their own.
static CALLS: AtomicUsize = AtomicUsize::new(0);
/// The pages of a scan at 200 dpi, gray, through `pdftoppm` (binary PGM).
fn pages(report: &str) -> Vec<GrayImage> {
    let dir = std::env::temp_dir().join(format!(
        "nianbao-ocr-{report}-{}-{}",
        std::process::id(),
        CALLS.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let pdf: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(SCANS)
        .join(report)
        .join("scan.pdf");
    let status = Command::new("pdftoppm")
        .args(["-r", "200", "-gray"])
        .arg(&pdf)
        .arg(dir.join("page"))
        .status()
        .expect("pdftoppm (poppler-utils) is installed");
    assert!(status.success());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let images = files
        .iter()
        .map(|f| GrayImage::from_pgm(&std::fs::read(f).unwrap()).expect("a PGM from pdftoppm"))
        .collect();
    std::fs::remove_dir_all(&dir).unwrap();
    images
}

#[test]
fn a_scan_page_gives_its_tables_with_their_spans() {
    let mut engine = Engine::open().unwrap();
    let pages = pages("pingtan-2019");
    let read: Vec<_> = pages
        .iter()
        .map(|p| read_page(&mut engine, p, 200, &Limits::default()).unwrap())
        .collect();
    let tables = |i: usize| -> Vec<&Table> {
        read[i]
            .blocks
            .iter()
            .filter_map(|b| match b {
                PageBlock::Table(t) => Some(t),
                PageBlock::Line(_) => None,
            })
            .collect()
    };
    let lines = |i: usize| -> Vec<&str> {
        read[i]
            .blocks
            .iter()
            .filter_map(|b| match b {
                PageBlock::Line(l) => Some(l.text.as_str()),
                PageBlock::Table(_) => None,
            })
            .collect()
    };
    assert!(lines(0)[0].contains("2019"), "{:?}", lines(0));
    // Page 1: table 二 (4 columns, section rows spanning all 4) and the start of table 三.
    let (two, three) = (tables(0)[0], tables(0)[1]);
    assert_eq!(two.columns, 4);
    assert_eq!(two.rows[0].len(), 1);
    assert_eq!(two.rows[0][0].col_span, 4);
    assert!(two.rows[0][0].text.contains("第二十条"));
    assert_eq!(
        two.rows[2]
            .iter()
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>(),
        ["规章", "0", "0", "0"]
    );
    assert_eq!(three.columns, 10);
    // The top-left caption covers 3 rows and 3 columns; 申请人情况 the 7 columns right of it.
    assert_eq!(
        (three.rows[0][0].row_span, three.rows[0][0].col_span),
        (3, 3)
    );
    assert_eq!(three.rows[0][1].col_span, 7);
    // Page 2: the rest of table 三 and table 四 (15 columns, a 2-row header).
    let four = tables(1)[1];
    assert_eq!(four.columns, 15);
    assert_eq!(
        four.rows[0].iter().map(|c| c.col_span).collect::<Vec<_>>(),
        [5, 10]
    );
    assert!(four.rows[3]
        .iter()
        .all(|c| c.text == "0" && c.confidence > 0.8));
    for (i, page) in read.iter().enumerate() {
        println!(
            "page {}: skew {:.2}°, {} blocks",
            i + 1,
            page.skew_degrees,
            page.blocks.len()
        );
    }
}

#[test]
fn the_skew_of_a_turned_page_is_found_and_corrected() {
    let mut engine = Engine::open().unwrap();
    let page = pages("pingtan-2019").remove(1).rotated(0.5);
    let read = read_page(&mut engine, &page, 200, &Limits::default()).unwrap();
    // Turned counter-clockwise, its lines go up to the right: a negative skew.
    assert!(
        (read.skew_degrees + 0.5).abs() < 0.05,
        "{}",
        read.skew_degrees
    );
    assert_eq!(
        read.blocks
            .iter()
            .filter(|b| matches!(b, PageBlock::Table(_)))
            .count(),
        2
    );
}

#[test]
fn bad_and_oversized_images_are_typed_errors() {
    let mut engine = Engine::open().unwrap();
    let tiny = GrayImage::new(4, 4, vec![255; 16]).unwrap();
    assert!(matches!(
        read_page(&mut engine, &tiny, 200, &Limits::default()),
        Err(OcrError::BadImage(_))
    ));
    let page = GrayImage::new(100, 100, vec![255; 10_000]).unwrap();
    let limits = Limits {
        max_pixels: 9_999,
        ..Limits::default()
    };
    assert!(matches!(
        read_page(&mut engine, &page, 200, &limits),
        Err(OcrError::OverLimit { what: "pixels", .. })
    ));
    assert!(GrayImage::new(3, 3, vec![0; 8]).is_none());
}
