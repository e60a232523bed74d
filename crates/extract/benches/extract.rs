//! Extraction throughput per input form, on one core: the real corpus forms when
//! `../shared/corpus` is there (read in place), the project's samples always, and OFD forms
//! of the corpus's text-layer PDFs (their glyphs and rules written as OFD by
//! `tests/support/ofd.rs`, a real layout). Criterion prints the time per report; reports/second
//! is its inverse. The group `per_format` extracts every input of one detected format (html,
//! docx, doc, text, markdown, pdf, ofd) per iteration, so its throughput (`thrpt`, elem/s) is
//! the format's reports per second. The allocator is the binary's (mimalloc), so the numbers
//! are what `nianbao extract` and `nianbao dataset` do.
//!
//! For the PDFs, the time `pdftotext -layout` (poppler) takes on the same files is printed
//! first, when it is installed, for a side-by-side (a process per file, as a user runs it).

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nianbao_extract::{extract_bytes, Limits};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn inputs() -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let corpus = root.join("../shared/corpus/reports");
    let mut out: Vec<(String, PathBuf)> = [
        ("html-cms-page", "pingtan-2024/page.html"),
        ("html-fragment", "shanghai-bgt-2019/fragment.html"),
        ("html-flat-2021", "pingtan-2024/derived.flat.html"),
        ("html-flat-2019", "shanghai-bgt-2019/derived.flat.html"),
        ("docx-2021", "pingtan-2024/derived.docx"),
        ("docx-2019", "shanghai-bgt-2019/derived.docx"),
        ("doc-2021", "pingtan-2024/rendered.doc"),
        ("doc-2019", "shanghai-bgt-2019/rendered.doc"),
        ("text-tab-qiaokou", "qiaokou-xzspj-2021/report.tab.txt"),
        ("text-tab-2021", "pingtan-2024/derived.tab.txt"),
        ("text-tab-2019", "shanghai-bgt-2019/derived.tab.txt"),
        ("text-lo-2021", "pingtan-2024/derived.lo.txt"),
        ("text-lo-2019", "shanghai-bgt-2019/derived.lo.txt"),
        ("text-run-together", "pingtan-2021/page.txt"),
        ("markdown-ocr", "shuyang-2025/ocr.md"),
        ("pdf-wps-hongze-2023", "hongze-2023/report.pdf"),
        ("pdf-wps-hongze-2024", "hongze-2024/report.pdf"),
        ("pdf-wps-huaian-2024", "huaian-2024/report.pdf"),
        ("pdf-lo-cjk-pingtan-2019", "pingtan-2019/rendered.pdf"),
        ("pdf-lo-cjk-pingtan-2024", "pingtan-2024/rendered.pdf"),
        ("pdf-lo-cjk-qiaokou-2021", "qiaokou-xzspj-2021/rendered.pdf"),
        ("pdf-lo-cjk-shanghai-2019", "shanghai-bgt-2019/rendered.pdf"),
        ("pdf-lo-nocjk-pingtan-2024", "pingtan-2024/derived.pdf"),
        (
            "pdf-lo-nocjk-shanghai-2019",
            "shanghai-bgt-2019/derived.pdf",
        ),
        ("pdf-chromium-pingtan-2024", "pingtan-2024/chromium.pdf"),
    ]
    .iter()
    .map(|(name, rel)| (name.to_string(), corpus.join(rel)))
    .filter(|(_, p)| p.is_file())
    .collect();
    for sample in [
        "county-2023-v2021.html",
        "county-2023-v2021.docx",
        "county-2023-v2021.tab.txt",
    ] {
        out.push((
            format!("sample-{sample}"),
            root.join("samples").join(sample),
        ));
    }
    out
}

/// Prints the mean wall time of `pdftotext -layout FILE -` on each PDF input, if poppler is
/// installed.
fn print_pdftotext_times(inputs: &[(String, PathBuf)]) {
    const RUNS: u32 = 20;
    for (name, path) in inputs.iter().filter(|(name, _)| name.starts_with("pdf-")) {
        let start = std::time::Instant::now();
        for _ in 0..RUNS {
            let run = std::process::Command::new("pdftotext")
                .args(["-layout", &path.to_string_lossy(), "-"])
                .stdout(std::process::Stdio::null())
                .status();
            if !run.is_ok_and(|s| s.success()) {
                eprintln!("pdftotext not available: no side-by-side");
                return;
            }
        }
        let mean = start.elapsed() / RUNS;
        eprintln!(
            "pdftotext -layout {name}: {:.2} ms ({:.0} reports/s)",
            mean.as_secs_f64() * 1e3,
            1.0 / mean.as_secs_f64()
        );
    }
}

#[path = "../tests/support/ofd.rs"]
mod ofd;

/// OFD forms of the corpus's LibreOffice and WPS PDFs: their text layers written as OFD.
fn ofd_inputs(inputs: &[(String, PathBuf)]) -> Vec<(String, Vec<u8>)> {
    inputs
        .iter()
        .filter(|(name, _)| name.starts_with("pdf-lo-cjk-") || name.starts_with("pdf-wps-"))
        .map(|(name, path)| {
            let pdf = std::fs::read(path).expect("read input");
            let text = nianbao_pdf::read(&pdf, &Default::default()).expect("a text layer");
            (
                name.replacen("pdf-", "ofd-from-pdf-", 1),
                ofd::ofd_of_pages(&text.pages),
            )
        })
        .collect()
}

fn extract(c: &mut Criterion) {
    let limits = Limits::default();
    let files = inputs();
    print_pdftotext_times(&files);
    let mut inputs: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|(name, path)| (name.clone(), std::fs::read(path).expect("read input")))
        .collect();
    inputs.extend(ofd_inputs(&files));
    let mut group = c.benchmark_group("extract");
    for (name, bytes) in &inputs {
        group.throughput(Throughput::Elements(1));
        group.bench_function(name, |b| {
            b.iter(|| extract_bytes(bytes, "bench", &limits).expect("extracts"));
        });
    }
    group.finish();
    // Reports per second of each format: every input of the format, once per iteration.
    let mut by_format: std::collections::BTreeMap<&str, Vec<&[u8]>> = Default::default();
    for (name, bytes) in &inputs {
        let format = nianbao_extract::read(bytes, &limits)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .format;
        by_format.entry(format.name()).or_default().push(bytes);
    }
    let mut group = c.benchmark_group("per_format");
    for (format, reports) in &by_format {
        eprintln!("{format}: {} inputs", reports.len());
        group.throughput(Throughput::Elements(reports.len() as u64));
        group.bench_function(*format, |b| {
            b.iter(|| {
                for bytes in reports {
                    extract_bytes(bytes, "bench", &limits).expect("extracts");
                }
            });
        });
    }
    group.finish();
}

criterion_group!(benches, extract);
criterion_main!(benches);
