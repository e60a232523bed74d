//! Speed and size at scale: the review of 10,000 synthetic reports (2,000 agencies × 5 years,
//! every cell of the 2021 template, some failed checks and failed reads) must be written in
//! under 30 s with an overview under 2 MB. Ignored by default (it writes ~2 M cells and
//! ~10,000 pages); run it with
//! `cargo test -p nianbao-review --test scale -- --ignored --nocapture`.

use std::fs::File;
use std::path::Path;
use std::time::Instant;

use nianbao_review::{write_site, ReviewOptions};
use nianbao_schema::{Template, ValueKind};
use polars::prelude::*;

const REPORTS: usize = 10_000;
const YEARS: usize = 5;

fn write_parquet(dir: &Path, name: &str, mut frame: DataFrame) {
    let file = File::create(dir.join(format!("{name}.parquet"))).unwrap();
    ParquetWriter::new(file).finish(&mut frame).unwrap();
}

fn column<T, V>(name: &str, values: V) -> Column
where
    T: ?Sized,
    Series: NamedFrom<V, T>,
{
    Column::from(Series::new(name.into(), values))
}

/// Writes the `reports`, `cells` and `checks` tables of 10,000 reports into `dir`.
fn synthesise(dir: &Path) {
    let keys: Vec<_> = Template::V2021.keys().collect();
    let (mut id, mut path, mut title, mut agency, mut year) =
        (vec![], vec![], vec![], vec![], vec![]);
    let (mut template, mut error, mut error_kind) = (vec![], vec![], vec![]);
    let mut cells_id = Vec::with_capacity(REPORTS * keys.len());
    let (mut key, mut table, mut int, mut decimal, mut status, mut raw) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    let (mut check_id, mut rule, mut scope, mut passed, mut detail) =
        (vec![], vec![], vec![], vec![], vec![]);
    for n in 0..REPORTS {
        let report_id = format!("{n:064x}");
        let failed_read = n % 97 == 0;
        id.push(report_id.clone());
        path.push(format!("crawl/site-{}/report-{n}.html", n / YEARS));
        title.push(Some(format!(
            "某市第{}局{}年政府信息公开工作年度报告",
            n / YEARS,
            2019 + n % YEARS
        )));
        agency.push(Some(format!("某市第{}局", n / YEARS)));
        year.push(Some((2019 + n % YEARS) as i32));
        template.push((!failed_read).then_some("2021"));
        error.push(failed_read.then(|| "legacy Word .doc".to_string()));
        error_kind.push(failed_read.then_some("legacy_office"));
        if failed_read {
            continue;
        }
        for (i, spec) in keys.iter().enumerate() {
            let value = ((n * 7 + i * 13) % 50) as i64;
            let blank = (n + i) % 5 == 0;
            cells_id.push(report_id.clone());
            key.push(spec.key.clone());
            table.push(spec.table_number() as i32);
            let amount = spec.kind == ValueKind::Amount;
            int.push((!blank && !amount).then_some(value));
            decimal.push((!blank && amount).then_some(value as f64 / 4.0));
            status.push(if blank { "blank" } else { "number" });
            raw.push((!blank).then(|| value.to_string()));
        }
        for (r, s) in [
            ("R3.1", "total"),
            ("R3.3", "natural_person"),
            ("R4.1", "admin_review"),
        ] {
            check_id.push(report_id.clone());
            rule.push(r);
            scope.push(s);
            let ok = (n + r.len() + s.len()) % 3 != 0;
            passed.push(ok);
            detail.push(if ok { "1 + 2 = 3" } else { "1 + 2 ≠ 4" });
        }
    }
    let height = id.len();
    let duplicate_of: Vec<Option<String>> = vec![None; height];
    let agency_normalized = agency.clone();
    write_parquet(
        dir,
        "reports",
        DataFrame::new(
            height,
            vec![
                column("report_id", id),
                column("source_path", path),
                column("title", title),
                column("agency", agency),
                column("agency_normalized", agency_normalized),
                column("year", year),
                column("template", template),
                column("error", error),
                column("error_kind", error_kind),
                column("duplicate_of", duplicate_of),
            ],
        )
        .unwrap(),
    );
    let cells_height = cells_id.len();
    write_parquet(
        dir,
        "cells",
        DataFrame::new(
            cells_height,
            vec![
                column("report_id", cells_id),
                column("key", key),
                column("table", table),
                column("value_int", int),
                column("value_decimal", decimal),
                column("status", status),
                column("raw", raw),
            ],
        )
        .unwrap(),
    );
    let checks_height = check_id.len();
    write_parquet(
        dir,
        "checks",
        DataFrame::new(
            checks_height,
            vec![
                column("report_id", check_id),
                column("rule", rule),
                column("scope", scope),
                column("passed", passed),
                column("detail", detail),
            ],
        )
        .unwrap(),
    );
}

#[test]
#[ignore = "writes 10,000 pages; run with --ignored --nocapture"]
fn ten_thousand_reports_review_in_under_30_s_with_a_small_overview() {
    let dir = tempfile::tempdir().unwrap();
    let dataset = dir.path().join("dataset");
    std::fs::create_dir(&dataset).unwrap();
    let started = Instant::now();
    synthesise(&dataset);
    println!(
        "synthesised {REPORTS} reports in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let read = nianbao_review::read_dataset(&dataset).unwrap();
    println!(
        "read the tables back ({} reports) in {:.1} s",
        read.reports.len(),
        started.elapsed().as_secs_f64()
    );
    drop(read);

    let started = Instant::now();
    let site = dir.path().join("site");
    let summary = write_site(&dataset, &site, &ReviewOptions::default()).unwrap();
    let elapsed = started.elapsed().as_secs_f64();
    let list = std::fs::metadata(site.join("reports.html")).unwrap().len();
    let pages = summary.total_bytes - summary.overview_bytes - list;
    println!(
        "review of {} documents: {elapsed:.1} s; {} report pages ({:.1} KB each on average), \
         index.html {:.0} KB, reports.html {:.0} KB, site {:.0} MB",
        summary.documents,
        summary.report_pages,
        pages as f64 / summary.report_pages as f64 / 1024.0,
        summary.overview_bytes as f64 / 1024.0,
        list as f64 / 1024.0,
        summary.total_bytes as f64 / 1024.0 / 1024.0
    );
    assert_eq!(summary.documents, REPORTS);
    assert!(summary.overview_bytes < 2 * 1024 * 1024);
    assert!(elapsed < 30.0, "{elapsed:.1} s");
}
