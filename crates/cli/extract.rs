//! `nianbao extract FILE`: one report to JSON, CSV, an aligned table or an HTML page.
//!
//! Exit codes: 0 extracted (also without a standard table: the warnings say so), 1 the file
//! cannot be read, 2 bad arguments (clap).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::ValueEnum;

/// Options of `nianbao extract`.
#[derive(clap::Args)]
pub struct ExtractArgs {
    /// The report file.
    file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Json)]
    format: OutputFormat,
    /// Write the output to this file (atomically: a temporary file renamed into place, so it
    /// is never left half-written) instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Largest input accepted, in bytes.
    #[arg(long, default_value_t = nianbao_extract::Limits::default().max_input_bytes)]
    max_input_bytes: u64,
    /// Largest inflated word/document.xml of a DOCX, in bytes (zip bombs are also stopped by
    /// their compression ratio).
    #[arg(long, default_value_t = nianbao_extract::Limits::default().docx.max_xml_bytes)]
    max_docx_xml_bytes: u64,
    /// Most table cells read from one document, spans expanded; the rest is dropped with a
    /// warning.
    #[arg(long, default_value_t = nianbao_extract::Limits::default().read.max_cells)]
    max_table_cells: usize,
    /// Most search steps the run-together digit solver spends on one document; past it, the
    /// cells not yet decided are reported ambiguous.
    #[arg(long, default_value_t = nianbao_extract::Limits::default().solver.max_nodes)]
    max_solver_nodes: u64,
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    /// One JSON object (the contract of SCHEMA.md).
    Json,
    /// key,value,status,raw
    Csv,
    /// An aligned table with Chinese labels, for a person.
    Table,
    /// One self-contained HTML page (the report page of `nianbao review`).
    Html,
}

/// Runs `nianbao extract`.
pub fn run(args: &ExtractArgs) -> anyhow::Result<ExitCode> {
    let mut limits = nianbao_extract::Limits {
        max_input_bytes: args.max_input_bytes,
        ..Default::default()
    };
    limits.docx.max_xml_bytes = args.max_docx_xml_bytes;
    limits.read.max_cells = args.max_table_cells;
    limits.solver.max_nodes = args.max_solver_nodes;
    let report = match nianbao_extract::extract_file(&args.file, &limits) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("nianbao: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    let text = match args.format {
        OutputFormat::Json => serde_json::to_string_pretty(&report)? + "\n",
        OutputFormat::Csv => nianbao_schema::render::to_csv(&report),
        OutputFormat::Table => nianbao_schema::render::to_table(&report),
        OutputFormat::Html => {
            nianbao_review::render_report_page(&report, &nianbao_review::PageContext::default())
        }
    };
    match &args.output {
        Some(path) => write_atomic(path, text.as_bytes())
            .with_context(|| format!("{}: cannot write the output", path.display()))?,
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes `bytes` to `path` through a temporary file in the same folder, synced and then
/// renamed over `path`: readers see the old file or the whole new one, never a part.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name"))?;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = std::fs::File::create(&tmp).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    });
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}
