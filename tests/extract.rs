//! `nianbao extract` end to end, through the binary: the project's samples against their
//! truth, the output formats, and the exit codes for documents that cannot be read.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn nianbao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .output()
        .expect("run nianbao")
}

fn samples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            !name.ends_with(".json") && !name.ends_with(".py")
        })
        .collect();
    files.sort();
    files
}

#[test]
fn every_sample_extracts_to_its_truth_with_all_checks_passing() {
    let files = samples();
    assert!(files.len() >= 6, "samples missing: {files:?}");
    for file in files {
        let out = nianbao(&["extract", file.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}: {}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let truth: Value = serde_json::from_str(
            &std::fs::read_to_string(format!("{}.truth.json", file.display())).unwrap(),
        )
        .unwrap();
        assert_eq!(
            report["report"]["template"],
            truth["template"],
            "{}",
            file.display()
        );
        assert_eq!(
            report["report"]["year"],
            truth["year"],
            "{}",
            file.display()
        );
        let cells = report["cells"].as_array().unwrap();
        let want = truth["cells"].as_object().unwrap();
        assert_eq!(
            cells.len(),
            want.len(),
            "{}: one cell per key",
            file.display()
        );
        for cell in cells {
            let key = cell["key"].as_str().unwrap();
            let expected = &want[key];
            match expected.as_f64() {
                Some(v) => assert_eq!(cell["value"].as_f64(), Some(v), "{}: {key}", file.display()),
                None => {
                    assert!(cell["value"].is_null(), "{}: {key}", file.display());
                    assert_eq!(cell["status"], "blank", "{}: {key}", file.display());
                }
            }
        }
        let checks = report["checks"].as_array().unwrap();
        assert!(checks.len() >= 20, "{}: checks ran", file.display());
        assert!(
            checks.iter().all(|c| c["passed"] == true),
            "{}: {checks:?}",
            file.display()
        );
        assert_eq!(
            report["warnings"],
            serde_json::json!([]),
            "{}",
            file.display()
        );
    }
}

#[test]
fn csv_and_table_formats() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/county-2023-v2021.html");
    let out = nianbao(&["extract", file.to_str().unwrap(), "--format", "csv"]);
    assert!(out.status.success());
    let csv = String::from_utf8(out.stdout).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("key,value,status,raw"));
    assert!(
        csv.contains("\ntable2.art20_5.licensing.decisions,4527,number,4527\n"),
        "{csv}"
    );
    assert!(
        csv.contains("\ntable2.art20_8.admin_fees.amount_wan_yuan,326.78,number,326.78\n"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 201);

    let out = nianbao(&["extract", file.to_str().unwrap(), "--format", "table"]);
    assert!(out.status.success());
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("年度: 2023"), "{table}");
    assert!(table.contains("（本年）处理决定数量"), "{table}");
    assert!(table.contains("\n    行政许可 "), "{table}");
    assert!(table.contains("未通过 0 项"), "{table}");
}

#[test]
fn unreadable_files_exit_1_with_one_line_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.html", vec![], "empty file"),
        (
            "image.docx",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
            "PNG",
        ),
        (
            "broken.docx",
            b"PK\x03\x04\x14\0\0\0garbage".to_vec(),
            "DOCX",
        ),
        (
            "noise.txt",
            (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect(),
            "not a document",
        ),
    ];
    for (name, bytes, reason) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = nianbao(&["extract", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        assert!(err.contains(name) && err.contains(reason), "{name}: {err}");
        assert!(out.stdout.is_empty(), "{name}");
    }
    let out = nianbao(&["extract", dir.path().join("absent.html").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("absent.html"));
}

#[test]
fn a_document_without_tables_is_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("narrative.txt");
    std::fs::write(
        &path,
        "某局2013年政府信息公开工作年度报告\n\n本年度共主动公开信息120条。\n",
    )
    .unwrap();
    let out = nianbao(&["extract", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["report"]["template"].is_null());
    assert_eq!(report["cells"], serde_json::json!([]));
    assert_eq!(report["report"]["year"], 2013);
    assert!(report["warnings"][0]
        .as_str()
        .unwrap()
        .contains("no standard table"));
}

#[path = "../crates/extract/tests/support/ofd.rs"]
mod ofd;

/// Corpus reports written as OFD (their rendered PDF's glyphs and rules, a real layout:
/// `crates/extract/tests/support/ofd.rs`), one of the 2019 format and one of the 2021 format,
/// give every cell of their truth through `nianbao extract x.ofd --format json`.
#[test]
fn ofd_reports_extract_to_every_cell_of_their_truth() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/reports");
    if !corpus.is_dir() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but the corpus is missing at {}",
            corpus.display()
        );
        eprintln!("skipped: {} is missing", corpus.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (id, template) in [("pingtan-2019", "2019"), ("qiaokou-xzspj-2021", "2021")] {
        let pdf = std::fs::read(corpus.join(id).join("rendered.pdf")).unwrap();
        let text = nianbao_pdf::read(&pdf, &Default::default()).unwrap();
        let path = dir.path().join(format!("{id}.ofd"));
        std::fs::write(&path, ofd::ofd_of_pages(&text.pages)).unwrap();
        let out = nianbao(&["extract", path.to_str().unwrap(), "--format", "json"]);
        assert!(
            out.status.success(),
            "{id}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let truth: Value = serde_json::from_str(
            &std::fs::read_to_string(corpus.join(id).join("truth.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(report["source"]["format"], "ofd", "{id}");
        assert_eq!(report["report"]["template"], template, "{id}");
        assert_eq!(report["report"]["year"], truth["year"], "{id}");
        let cells: std::collections::HashMap<&str, &Value> = report["cells"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["key"].as_str().unwrap(), c))
            .collect();
        let want = truth["cells"].as_object().unwrap();
        assert!(want.len() >= 190, "{id}: {} truth cells", want.len());
        for (key, expected) in want {
            let cell = cells
                .get(key.as_str())
                .unwrap_or_else(|| panic!("{id}: {key} missing"));
            assert_eq!(cell["value"].as_f64(), expected.as_f64(), "{id}: {key}");
            if expected.is_null() {
                assert!(cell["value"].is_null(), "{id}: {key}");
            }
        }
    }
}
