//! `nianbao dataset` end to end: the binary on generated files, on `samples/` and on the shared
//! corpus, read back with polars.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use polars::prelude::*;

const BIN: &str = env!("CARGO_BIN_EXE_nianbao");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn dataset(args: &[&Path]) -> Output {
    Command::new(BIN)
        .arg("dataset")
        .args(args)
        .output()
        .expect("the binary runs")
}

fn read(dir: &Path, name: &str) -> DataFrame {
    let path = dir.join(format!("{name}.parquet"));
    let file = File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    ParquetReader::new(file).finish().unwrap()
}

fn strings(frame: &DataFrame, name: &str) -> Vec<Option<String>> {
    let column = frame.column(name).unwrap().str().unwrap();
    column.iter().map(|s| s.map(str::to_string)).collect()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The column names and types every `reports` table has.
const REPORTS_SCHEMA: [(&str, DataType); 37] = [
    ("report_id", DataType::String),
    ("source_path", DataType::String),
    ("source_format", DataType::String),
    ("source_encoding", DataType::String),
    ("source_url", DataType::String),
    ("fetched_at", DataType::String),
    ("referrer_title", DataType::String),
    ("crawl_kind", DataType::String),
    ("title", DataType::String),
    ("agency", DataType::String),
    ("agency_normalized", DataType::String),
    ("year", DataType::Int32),
    ("template", DataType::String),
    ("published", DataType::String),
    ("error", DataType::String),
    ("error_kind", DataType::String),
    ("n_cells", DataType::UInt32),
    ("n_numbers", DataType::UInt32),
    ("n_blank", DataType::UInt32),
    ("n_dash", DataType::UInt32),
    ("n_missing", DataType::UInt32),
    ("n_ambiguous", DataType::UInt32),
    ("n_checks", DataType::UInt32),
    ("n_checks_failed", DataType::UInt32),
    ("n_warnings", DataType::UInt32),
    ("warnings", DataType::String),
    ("duplicate_of", DataType::String),
    ("duplicate_kind", DataType::String),
    ("parser_version", DataType::String),
    ("agency_kind", DataType::String),
    ("deadline", DataType::String),
    ("days_late", DataType::Int64),
    ("sections_missing", DataType::String),
    ("region_code", DataType::String),
    ("region_name", DataType::String),
    ("region_level", DataType::String),
    ("region_warning", DataType::String),
];

const CELLS_SCHEMA: [(&str, DataType); 10] = [
    ("report_id", DataType::String),
    ("key", DataType::String),
    ("table", DataType::Int32),
    ("value_int", DataType::Int64),
    ("value_decimal", DataType::Float64),
    ("status", DataType::String),
    ("raw", DataType::String),
    ("unit", DataType::String),
    ("candidates", DataType::String),
    ("value", DataType::Float64),
];

const CHECKS_SCHEMA: [(&str, DataType); 5] = [
    ("report_id", DataType::String),
    ("rule", DataType::String),
    ("scope", DataType::String),
    ("passed", DataType::Boolean),
    ("detail", DataType::String),
];

const FACTS_SCHEMA: [(&str, DataType); 11] = [
    ("report_id", DataType::String),
    ("key", DataType::String),
    ("rule", DataType::String),
    ("value", DataType::Float64),
    ("table_value", DataType::Int64),
    ("agrees", DataType::Boolean),
    ("text", DataType::String),
    ("sentence", DataType::String),
    ("unit", DataType::String),
    ("base", DataType::String),
    ("table_percent", DataType::Float64),
];

fn assert_schema(frame: &DataFrame, expected: &[(&str, DataType)]) {
    let found: Vec<(String, DataType)> = frame
        .schema()
        .iter()
        .map(|(n, t)| (n.to_string(), t.clone()))
        .collect();
    let expected: Vec<(String, DataType)> = expected
        .iter()
        .map(|(n, t)| (n.to_string(), t.clone()))
        .collect();
    assert_eq!(found, expected);
}

/// Checks the four tables against each other and against the extractor run on each document.
fn assert_consistent(out: &Path) {
    let reports = read(out, "reports");
    let cells = read(out, "cells");
    let checks = read(out, "checks");
    let wide = read(out, "wide");
    assert_schema(&reports, &REPORTS_SCHEMA);
    assert_schema(&cells, &CELLS_SCHEMA);
    assert_schema(&checks, &CHECKS_SCHEMA);
    let keys = nianbao_schema::all_keys();
    assert_eq!(wide.width(), 6 + keys.len());
    for spec in keys {
        let expected = match spec.kind {
            nianbao_schema::ValueKind::Amount => DataType::Float64,
            _ => DataType::Int64,
        };
        assert_eq!(
            wide.column(&spec.key).unwrap().dtype(),
            &expected,
            "{}",
            spec.key
        );
    }

    let ids = strings(&reports, "report_id");
    let paths = strings(&reports, "source_path");
    let errors = strings(&reports, "error");
    let kinds = strings(&reports, "duplicate_kind");
    let cell_ids = strings(&cells, "report_id");
    let cell_keys = strings(&cells, "key");
    let status = strings(&cells, "status");
    let value_int = cells.column("value_int").unwrap().i64().unwrap().clone();
    let value_decimal = cells
        .column("value_decimal")
        .unwrap()
        .f64()
        .unwrap()
        .clone();
    let value = cells.column("value").unwrap().f64().unwrap().clone();
    let limits = nianbao_extract::Limits::default();
    let mut cell_row = 0;
    let mut wide_rows = 0;
    for i in 0..reports.height() {
        let path = paths[i].clone().unwrap();
        let extracted = nianbao_extract::extract_file(Path::new(&path), &limits);
        assert_eq!(
            errors[i].is_some(),
            extracted.is_err(),
            "{path}: {:?}",
            errors[i]
        );
        let Ok(report) = extracted else { continue };
        assert_eq!(
            ids[i].as_deref(),
            Some(report.source.sha256.as_str()),
            "{path}"
        );
        if kinds[i].as_deref() == Some("same_bytes") {
            continue;
        }
        wide_rows += 1;
        for cell in &report.cells {
            assert_eq!(cell_ids[cell_row].as_deref(), ids[i].as_deref());
            assert_eq!(cell_keys[cell_row].as_deref(), Some(cell.key.as_str()));
            assert_eq!(
                status[cell_row].as_deref(),
                Some(cell.status.name()),
                "{path} {}",
                cell.key
            );
            let read_back = value_int
                .get(cell_row)
                .map(|v| v as f64)
                .or(value_decimal.get(cell_row));
            assert_eq!(
                read_back,
                cell.value.map(|v| v.as_f64()),
                "{path} {}",
                cell.key
            );
            assert_eq!(value.get(cell_row), read_back, "value holds every number");
            cell_row += 1;
        }
    }
    assert_eq!(
        cell_row,
        cells.height(),
        "cells holds exactly the extracted cells, in order"
    );
    assert_eq!(wide_rows, wide.height());
}

/// The files under `dir` (hidden ones left out): (documents, other files).
fn files_under(dir: &Path) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let (mut documents, mut others) = (Vec::new(), Vec::new());
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.file_name().unwrap().to_string_lossy().starts_with('.') {
                continue;
            } else if path.is_dir() {
                stack.push(path);
            } else if nianbao_dataset::inputs::is_document(&path) {
                documents.push(path);
            } else {
                others.push(path);
            }
        }
    }
    (documents, others)
}

#[test]
fn a_corrupt_file_becomes_an_error_row_and_exit_code_3() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::write(inputs.join("broken.docx"), b"PK\x03\x04 this is not a zip").unwrap();
    std::fs::write(inputs.join("notes.json"), b"{}").unwrap();
    let out = dir.path().join("out");
    let output = dataset(&[&inputs, Path::new("--out"), &out]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let summary = stderr(&output);
    assert!(
        summary.contains("1 reports")
            && summary.contains("1 failed")
            && summary.contains("1 non-document"),
        "{summary}"
    );
    let reports = read(&out, "reports");
    assert_eq!(reports.height(), 1);
    let error = strings(&reports, "error")[0].clone().unwrap();
    assert!(error.contains("broken.docx"), "{error}");
    assert_eq!(
        strings(&reports, "error_kind")[0].as_deref(),
        Some("broken"),
        "a corrupt DOCX is counted as broken"
    );
    assert_eq!(read(&out, "cells").height(), 0);
    assert_consistent(&out);
}

#[test]
fn the_same_bytes_twice_are_flagged_not_counted_twice() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.txt");
    let b = dir.path().join("b.txt");
    let text = "某某县人民政府2021年政府信息公开工作年度报告\n一、总体情况\n本年度收到申请0件。\n";
    std::fs::write(&a, text).unwrap();
    std::fs::write(&b, text).unwrap();
    let out = dir.path().join("out");
    let output = dataset(&[&a, &b, Path::new("--out"), &out, Path::new("--quiet")]);
    assert!(
        matches!(output.status.code(), Some(0 | 3)),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("1 duplicates"),
        "{}",
        stderr(&output)
    );
    let reports = read(&out, "reports");
    let ids = strings(&reports, "report_id");
    assert_eq!(ids[0], ids[1]);
    assert_eq!(
        strings(&reports, "duplicate_of"),
        vec![None, ids[0].clone()]
    );
    assert_eq!(
        strings(&reports, "duplicate_kind")[1].as_deref(),
        Some("same_bytes")
    );
    assert_consistent(&out);
}

#[test]
fn csv_writes_the_same_tables() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.txt");
    std::fs::write(&a, "无表格的报告\n").unwrap();
    let out = dir.path().join("out");
    let output = dataset(&[
        &a,
        Path::new("--out"),
        &out,
        Path::new("--format"),
        Path::new("csv"),
    ]);
    assert!(
        matches!(output.status.code(), Some(0 | 3)),
        "{}",
        stderr(&output)
    );
    for (name, first) in [
        ("reports", "report_id,source_path,"),
        ("cells", "report_id,key,table,"),
        ("checks", "report_id,rule,"),
        ("wide", "report_id,agency,"),
    ] {
        let text = std::fs::read_to_string(out.join(format!("{name}.csv"))).unwrap();
        assert!(
            text.trim_start_matches('\u{feff}').starts_with(first),
            "{name}: {text}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(out.join("reports.csv"))
            .unwrap()
            .lines()
            .count(),
        2
    );
}

#[test]
fn a_missing_input_is_fatal_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = dataset(&[&dir.path().join("nope"), Path::new("--out"), &out]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("nope"), "{}", stderr(&output));
    assert!(!out.exists());
}

#[test]
fn a_killed_run_leaves_no_half_written_table() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    let source = samples_or_generated();
    for i in 0..3000 {
        let from = &source[i % source.len()];
        let name = format!("{i:05}-{}", from.file_name().unwrap().to_string_lossy());
        std::fs::copy(from, inputs.join(name)).unwrap();
    }
    // A complete dataset of one document, then a run over 3000 killed while it works.
    let out = dir.path().join("out");
    let first = dataset(&[&source[0], Path::new("--out"), &out]);
    assert!(
        matches!(first.status.code(), Some(0 | 3)),
        "{}",
        stderr(&first)
    );
    let mut child = Command::new(BIN)
        .args(["dataset", "--quiet", "--out"])
        .arg(&out)
        .arg(&inputs)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let writing = || std::fs::read_dir(&out).unwrap().count() > 6;
    while !writing() && started.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    std::thread::sleep(std::time::Duration::from_millis(100));
    child.kill().unwrap();
    let status = child.wait().unwrap();
    let mut tables = 0;
    for entry in std::fs::read_dir(&out).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".parquet") {
            // Each table is whole: the first run's, or (if the kill came after it) the second's.
            let rows = read(&out, name.trim_end_matches(".parquet")).height();
            if name == "reports.parquet" {
                assert!(rows == 1 || rows == 3000, "{rows}");
            }
            tables += 1;
        } else {
            let leftover = name.ends_with(".tmp") || name.ends_with(".previous");
            assert!(name.starts_with('.') && leftover, "{name}");
        }
    }
    assert_eq!(tables, 6);
    // And the tables are one set: all the first run's (one report), or all the second's (every
    // sample once in wide, the copies being duplicates).
    if source.len() > 1 {
        let first_run = read(&out, "reports").height() == 1;
        assert_eq!(read(&out, "wide").height() == 1, first_run);
    }
    assert!(status.code().is_none() || status.success(), "{status}");
}

/// The sample reports, or (until `samples/` has documents) a generated text report.
fn samples_or_generated() -> Vec<PathBuf> {
    let (samples, _) = files_under(&Path::new(ROOT).join("samples"));
    if !samples.is_empty() {
        return samples;
    }
    let path = std::env::temp_dir().join("nianbao-dataset-generated.txt");
    std::fs::write(
        &path,
        "某某县人民政府2021年政府信息公开工作年度报告\n本年度收到申请0件。\n",
    )
    .unwrap();
    vec![path]
}

#[test]
fn samples_build_the_dataset_their_truth_describes() {
    let samples = Path::new(ROOT).join("samples");
    let (documents, _) = files_under(&samples);
    if documents.is_empty() {
        eprintln!("skipped: samples/ has no documents yet");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = dataset(&[&samples, Path::new("--out"), &out]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_consistent(&out);

    let reports = read(&out, "reports");
    assert_eq!(reports.height(), documents.len());
    assert!(strings(&reports, "error").iter().all(Option::is_none));
    let years = reports.column("year").unwrap().i32().unwrap().clone();
    let cells = read(&out, "cells");
    let ids = strings(&cells, "report_id");
    let keys = strings(&cells, "key");
    let status = strings(&cells, "status");
    let value_int = cells.column("value_int").unwrap().i64().unwrap().clone();
    let value_decimal = cells
        .column("value_decimal")
        .unwrap()
        .f64()
        .unwrap()
        .clone();
    let mut reports_of_truth = std::collections::BTreeSet::new();
    for (i, (id, path)) in strings(&reports, "report_id")
        .into_iter()
        .zip(strings(&reports, "source_path"))
        .enumerate()
    {
        let (id, path) = (id.unwrap(), path.unwrap());
        let text = std::fs::read_to_string(format!("{path}.truth.json")).unwrap();
        let truth: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            strings(&reports, "template")[i].as_deref(),
            truth["template"].as_str(),
            "{path}"
        );
        assert_eq!(
            years.get(i).map(i64::from),
            truth["year"].as_i64(),
            "{path}"
        );
        reports_of_truth.insert((truth["agency"].to_string(), truth["year"].to_string()));
        let expected = truth["cells"].as_object().unwrap();
        let mut seen = 0;
        for row in (0..cells.height()).filter(|&r| ids[r].as_deref() == Some(id.as_str())) {
            let key = keys[row].as_deref().unwrap();
            let Some(want) = expected.get(key) else {
                continue;
            };
            seen += 1;
            match want.as_f64() {
                Some(v) => {
                    assert_eq!(status[row].as_deref(), Some("number"), "{path} {key}");
                    let is_amount = key.contains("amount");
                    let got = if is_amount {
                        value_decimal.get(row)
                    } else {
                        value_int.get(row).map(|v| v as f64)
                    };
                    assert_eq!(got, Some(v), "{path} {key}");
                    assert_eq!(
                        value_int.get(row).is_some(),
                        !is_amount,
                        "{path} {key}: counts are Int64"
                    );
                }
                None => {
                    assert!(
                        matches!(status[row].as_deref(), Some("blank" | "dash")),
                        "{path} {key}"
                    );
                    assert_eq!(
                        (value_int.get(row), value_decimal.get(row)),
                        (None, None),
                        "{path} {key}"
                    );
                }
            }
        }
        assert_eq!(
            seen,
            expected.len(),
            "{path}: every printed cell is in cells"
        );
    }
    // The forms of one report (HTML, DOCX, text) are one report and its duplicates.
    let originals = strings(&reports, "duplicate_of")
        .iter()
        .filter(|d| d.is_none())
        .count();
    assert_eq!(originals, reports_of_truth.len());
    // … and one row of the panel, with the numbers of its table.
    let panel = read(&out, "panel");
    assert_eq!(panel.height(), reports_of_truth.len());
    let n_reports = panel.column("n_reports").unwrap().u32().unwrap().clone();
    let received = panel
        .column("requests_received")
        .unwrap()
        .i64()
        .unwrap()
        .clone();
    for i in 0..panel.height() {
        let id = strings(&panel, "report_id")[i].clone().unwrap();
        let path = strings(&reports, "source_path")[strings(&reports, "report_id")
            .iter()
            .position(|r| r.as_deref() == Some(id.as_str()))
            .unwrap()]
        .clone()
        .unwrap();
        let text = std::fs::read_to_string(format!("{path}.truth.json")).unwrap();
        let truth: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(n_reports.get(i), Some(1), "{path}");
        assert_eq!(
            received.get(i),
            truth["cells"]["table3.new_received.total"].as_i64(),
            "{path}"
        );
    }
}

#[test]
fn x3_1_compares_consecutive_years_of_one_agency() {
    let sample = Path::new(ROOT).join("samples/county-2023-v2021.tab.txt");
    let Ok(text) = std::fs::read_to_string(&sample) else {
        eprintln!("skipped: {} is missing", sample.display());
        return;
    };
    // The same agency a year later (a copy with the year changed): its 上年结转 is compared with
    // 2023's 结转下年度继续办理, column by column.
    let dir = tempfile::tempdir().unwrap();
    let next_year = dir.path().join("2024.txt");
    std::fs::write(&next_year, text.replace("2023", "2024")).unwrap();
    let out = dir.path().join("out");
    let output = dataset(&[&sample, &next_year, Path::new("--out"), &out]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let reports = read(&out, "reports");
    let ids = strings(&reports, "report_id");
    assert_eq!(
        strings(&reports, "duplicate_of"),
        vec![None, None],
        "other years are other reports"
    );
    let checks = read(&out, "checks");
    let cross: Vec<usize> = (0..checks.height())
        .filter(|&i| strings(&checks, "rule")[i].as_deref() == Some("X3.1"))
        .collect();
    assert_eq!(cross.len(), 7, "one per column of table 三");
    for &i in &cross {
        assert_eq!(
            strings(&checks, "report_id")[i],
            ids[1],
            "the later report's check"
        );
    }
    let failed = cross
        .iter()
        .filter(|&&i| checks.column("passed").unwrap().bool().unwrap().get(i) == Some(false))
        .count();
    let n_failed = reports
        .column("n_checks_failed")
        .unwrap()
        .u32()
        .unwrap()
        .get(1);
    let own_failed = reports
        .column("n_checks_failed")
        .unwrap()
        .u32()
        .unwrap()
        .get(0);
    assert_eq!(n_failed, own_failed.map(|n| n + failed as u32));
}

#[test]
fn the_corpus_builds_a_consistent_dataset() {
    let corpus = Path::new(ROOT).join("../shared/corpus/reports");
    if !corpus.is_dir() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{} is missing",
            corpus.display()
        );
        eprintln!("skipped: {} is missing", corpus.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = dataset(&[&corpus, Path::new("--out"), &out]);
    assert!(
        matches!(output.status.code(), Some(0 | 3)),
        "{}",
        stderr(&output)
    );
    let (documents, others) = files_under(&corpus);
    let reports = read(&out, "reports");
    assert_eq!(reports.height(), documents.len());
    let skipped = format!("{} non-document files skipped", others.len());
    assert!(stderr(&output).contains(&skipped), "{}", stderr(&output));
    assert_consistent(&out);

    // The two 洪泽区 reports (2023 and 2024, agency printed two ways) are one agency: when both
    // were read with their agency and year, X3.1 compares them.
    let agencies = strings(&reports, "agency_normalized");
    let years = reports.column("year").unwrap().i32().unwrap().clone();
    let hongze: Vec<usize> = (0..reports.height())
        .filter(|&i| agencies[i].as_deref() == Some("洪泽区人民政府"))
        .collect();
    let has = |y: i32| hongze.iter().any(|&i| years.get(i) == Some(y));
    if has(2023) && has(2024) {
        let checks = read(&out, "checks");
        assert!(strings(&checks, "rule")
            .iter()
            .any(|r| r.as_deref() == Some("X3.1")));
    }

    // hongze-2024's prose says 受理…申请 17 件 where its table says 95: a failed N check, and a
    // facts row that does not agree.
    let paths = strings(&reports, "source_path");
    let ids = strings(&reports, "report_id");
    let row = paths
        .iter()
        .position(|p| p.as_deref().is_some_and(|p| p.contains("hongze-2024")))
        .unwrap();
    let id = ids[row].clone();
    let checks = read(&out, "checks");
    let (check_ids, rules, details) = (
        strings(&checks, "report_id"),
        strings(&checks, "rule"),
        strings(&checks, "detail"),
    );
    let passed = checks.column("passed").unwrap().bool().unwrap().clone();
    let n3: Vec<usize> = (0..checks.height())
        .filter(|&i| check_ids[i] == id && rules[i].as_deref() == Some("N3.new_received"))
        .collect();
    assert_eq!(n3.len(), 1, "{details:?}");
    assert_eq!(passed.get(n3[0]), Some(false));
    assert!(
        details[n3[0]].as_deref().unwrap().contains("17")
            && details[n3[0]]
                .as_deref()
                .unwrap()
                .ends_with("the table gives 95"),
        "{:?}",
        details[n3[0]]
    );
    let facts = read(&out, "facts");
    let fact = (0..facts.height())
        .find(|&i| {
            strings(&facts, "report_id")[i] == id
                && strings(&facts, "key")[i].as_deref() == Some("table3.new_received.total")
        })
        .unwrap();
    assert_eq!(
        facts.column("value").unwrap().f64().unwrap().get(fact),
        Some(17.0)
    );
    assert_eq!(
        facts
            .column("table_value")
            .unwrap()
            .i64()
            .unwrap()
            .get(fact),
        Some(95)
    );
    assert_eq!(
        facts.column("agrees").unwrap().bool().unwrap().get(fact),
        Some(false)
    );
    assert!(strings(&facts, "sentence")[fact]
        .as_deref()
        .unwrap()
        .contains("受理政府信息公开申请"));
    assert_schema(&facts, &FACTS_SCHEMA);

    // shanghai-bgt-2019's prose gives shares (不予公开35件，占4.34%): facts with unit `percent`
    // and their base; its table prints no outcome rows, so there is no check. No percentage
    // check of the corpus fails (the ones whose table agrees are the only ones there are).
    let texts = strings(&facts, "text");
    let (units, bases) = (strings(&facts, "unit"), strings(&facts, "base"));
    let denied = (0..facts.height())
        .find(|&i| texts[i].as_deref() == Some("不予公开35件，占4.34%"))
        .expect("the share is read");
    assert_eq!(
        (units[denied].as_deref(), bases[denied].as_deref()),
        (Some("percent"), Some("table3.result_total.total"))
    );
    assert_eq!(
        facts.column("value").unwrap().f64().unwrap().get(denied),
        Some(4.34)
    );
    let failed: Vec<_> = (0..checks.height())
        .filter(|&i| {
            rules[i]
                .as_deref()
                .is_some_and(|r| r.ends_with("_share") || r.ends_with("_rate"))
                && passed.get(i) == Some(false)
        })
        .map(|i| details[i].clone())
        .collect();
    assert!(failed.is_empty(), "{failed:?}");
    let sections = strings(&reports, "sections_missing");
    assert_eq!(sections[row].as_deref(), Some(""), "all six sections");
    let legacy = paths
        .iter()
        .position(|p| {
            p.as_deref()
                .is_some_and(|p| p.contains("pingtan-2011-legacy"))
        })
        .unwrap();
    assert_eq!(
        sections[legacy].as_deref(),
        Some("4,5,6"),
        "the 2008 outline"
    );
    assert_eq!(
        strings(&reports, "deadline")[row].as_deref(),
        Some("2025-03-31"),
        "a government's consolidated report"
    );
    // The 2008 条例: March 31 for all; pingtan-2011 was published on 2012-04-18.
    assert_eq!(
        strings(&reports, "deadline")[legacy].as_deref(),
        Some("2012-03-31")
    );
    let late = reports.column("days_late").unwrap().i64().unwrap().clone();
    assert_eq!(late.get(legacy), Some(18));
    // Regions: resolved by name within parents, or null with the reason.
    let region = |needle: &str, column: &str| {
        let row = paths
            .iter()
            .position(|p| p.as_deref().is_some_and(|p| p.contains(needle)))
            .unwrap();
        strings(&reports, column)[row].clone()
    };
    assert_eq!(
        region("hongze-2024", "region_code").as_deref(),
        Some("320813")
    );
    assert_eq!(
        region("hongze-2024", "region_level").as_deref(),
        Some("county")
    );
    assert_eq!(
        region("pingtan-2021", "region_code").as_deref(),
        Some("350128")
    );
    assert_eq!(
        region("pingtan-2021", "region_name").as_deref(),
        Some("平潭县")
    );
    assert_eq!(
        region("huaian-2024", "region_code").as_deref(),
        Some("320800")
    );
    // shuyang-2025's OCR reads 沭阳 as 沐阳: no such county, so no region (not a guess).
    assert_eq!(region("shuyang-2025", "region_code"), None);
    assert!(region("shuyang-2025", "region_warning").is_some());

    // The panel: one row per agency and year; the two 洪泽区 years with their numbers.
    let panel = read(&out, "panel");
    let agency = strings(&panel, "agency_normalized");
    let year = panel.column("year").unwrap().i32().unwrap().clone();
    let received = panel
        .column("requests_received")
        .unwrap()
        .i64()
        .unwrap()
        .clone();
    let hongze: Vec<(Option<i32>, Option<i64>)> = (0..panel.height())
        .filter(|&i| agency[i].as_deref() == Some("洪泽区人民政府"))
        .map(|i| (year.get(i), received.get(i)))
        .collect();
    assert_eq!(hongze, [(Some(2023), Some(21)), (Some(2024), Some(95))]);
    let key = strings(&panel, "agency_key");
    assert!(
        key.iter()
            .filter(|k| k.as_deref() == Some("320813 洪泽区人民政府"))
            .count()
            == 2,
        "{key:?}"
    );
    let mut keys: Vec<(Option<String>, Option<i32>)> = (0..panel.height())
        .map(|i| (key[i].clone(), year.get(i)))
        .collect();
    let sorted = keys.clone();
    keys.sort();
    keys.dedup();
    assert_eq!(keys, sorted, "one row per agency and year, in order");
}

#[test]
fn hostile_inputs_become_error_rows() {
    let dir = tempfile::tempdir().unwrap();
    let mut inputs = vec![PathBuf::from("/dev/zero")];
    #[cfg(unix)]
    for name in [b"r\xff.txt".as_slice(), b"r\xfe.txt".as_slice()] {
        use std::os::unix::ffi::OsStrExt;
        let path = dir.path().join(std::ffi::OsStr::from_bytes(name));
        std::fs::write(&path, vec![b'x'; 2000]).unwrap();
        inputs.push(path);
    }
    let out = dir.path().join("out");
    let mut args: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    args.extend([
        Path::new("--out"),
        &out,
        Path::new("--max-input-bytes"),
        Path::new("1000"),
    ]);
    let output = dataset(&args);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let reports = read(&out, "reports");
    assert_eq!(reports.height(), inputs.len());
    let kinds = strings(&reports, "error_kind");
    assert!(
        kinds.iter().all(|k| k.as_deref() == Some("too_large")),
        "the size of /dev/zero is not known in advance, yet it is held to the limit: {kinds:?}"
    );
    #[cfg(unix)]
    {
        let paths = strings(&reports, "source_path");
        let ids = strings(&reports, "report_id");
        assert!(
            paths[1].as_deref().unwrap().ends_with("r\\xff.txt"),
            "{paths:?}"
        );
        assert!(
            paths[2].as_deref().unwrap().ends_with("r\\xfe.txt"),
            "{paths:?}"
        );
        assert_ne!(
            ids[1], ids[2],
            "names that differ in bytes keep distinct ids"
        );
    }
}

#[test]
fn a_formula_in_a_text_cell_is_neutralised_in_csv() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.txt");
    let title = "=HYPERLINK(\"http://x\",\"某县人民政府2021年政府信息公开工作年度报告\")";
    std::fs::write(
        &a,
        format!("{title}\n一、总体情况\n本年度共收到申请5件。\n"),
    )
    .unwrap();
    for format in ["csv", "parquet"] {
        let out = dir.path().join(format);
        let output = dataset(&[
            &a,
            Path::new("--out"),
            &out,
            Path::new("--format"),
            Path::new(format),
        ]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
    let csv = std::fs::read_to_string(dir.path().join("csv/reports.csv")).unwrap();
    assert!(csv.contains(",\"'=HYPERLINK("), "{csv}");
    assert!(!csv.contains(",\"=HYPERLINK("), "{csv}");
    let reports = read(&dir.path().join("parquet"), "reports");
    assert_eq!(
        strings(&reports, "title")[0].as_deref(),
        Some(title),
        "Parquet keeps the text"
    );
}
