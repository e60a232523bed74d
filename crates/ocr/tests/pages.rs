//! The scans of the corpus, rasterised with poppler's `pdftoppm`: tables found, cells read.

use std::path::{Path, PathBuf};
use std::process::Command;

use nianbao_ocr::{read_page, Engine, GrayImage, Limits, PageBlock};

const SCANS: &str = "../../../shared/corpus/reports";

/// The pages of a scan at 200 dpi, gray, through `pdftoppm` (binary PGM).
fn pages(report: &str) -> Vec<GrayImage> {
    let dir = std::env::temp_dir().join(format!("nianbao-ocr-{report}-{}", std::process::id()));
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
        .map(|f| pgm(&std::fs::read(f).unwrap()))
        .collect();
    std::fs::remove_dir_all(&dir).unwrap();
    images
}

/// A binary 8-bit PGM (`P5`).
fn pgm(bytes: &[u8]) -> GrayImage {
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(std::str::from_utf8(&bytes[start..at]).unwrap().to_string());
    }
    assert_eq!(fields[0], "P5");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    GrayImage::new(w, h, bytes[at + 1..at + 1 + w * h].to_vec()).unwrap()
}

#[test]
fn a_scan_page_gives_its_tables() {
    let mut engine = Engine::open().unwrap();
    for (i, page) in pages("pingtan-2019").iter().enumerate() {
        let start = std::time::Instant::now();
        let read = read_page(&mut engine, page, 200, &Limits::default()).unwrap();
        println!(
            "page {} in {:.2} s, skew {:.2}",
            i + 1,
            start.elapsed().as_secs_f64(),
            read.skew_degrees
        );
        for block in &read.blocks {
            match block {
                PageBlock::Line(l) => println!("LINE {:.2} {}", l.confidence, l.text),
                PageBlock::Table(t) => {
                    println!("TABLE {} cols", t.columns);
                    for row in &t.rows {
                        let cells: Vec<String> = row
                            .iter()
                            .map(|c| {
                                format!(
                                    "{}[{}x{} {:.2}]",
                                    c.text, c.row_span, c.col_span, c.confidence
                                )
                            })
                            .collect();
                        println!("  {}", cells.join(" | "));
                    }
                }
            }
        }
    }
}
