//! `nianbao`: the command line. It parses arguments and calls the libraries: `extract` one file
//! (nianbao-extract), build a `dataset` (nianbao-dataset), `crawl` a site (nianbao-fetch).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Turns Chinese government information-disclosure annual reports (政府信息公开工作年度报告)
/// into clean, checked data.
#[derive(Parser)]
#[command(name = "nianbao", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Extract the standard tables of one report (HTML, DOCX, text or Markdown) and check them.
    ///
    /// Exit codes: 0 extracted (even when no standard table was found: see the warnings),
    /// 1 the file could not be read, 2 bad arguments.
    Extract(ExtractArgs),
    /// Extract many reports (files, folders, crawl folders) into Parquet or CSV tables.
    Dataset(nianbao_dataset::DatasetArgs),
    /// Collect the reports of government sites, politely and resumably.
    Crawl(nianbao_fetch::CrawlArgs),
}

#[derive(clap::Args)]
struct ExtractArgs {
    /// The report file.
    file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Json)]
    format: OutputFormat,
    /// Largest input accepted, in bytes.
    #[arg(long, default_value_t = nianbao_extract::Limits::default().max_input_bytes)]
    max_input_bytes: u64,
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    /// One JSON object (the contract of SCHEMA.md).
    Json,
    /// key,value,status,raw
    Csv,
    /// An aligned table with Chinese labels, for a person.
    Table,
}

fn extract(args: &ExtractArgs) -> anyhow::Result<i32> {
    let limits = nianbao_extract::Limits { max_input_bytes: args.max_input_bytes, ..Default::default() };
    let report = match nianbao_extract::extract_file(&args.file, &limits) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("nianbao: {e}");
            return Ok(1);
        }
    };
    let text = match args.format {
        OutputFormat::Json => serde_json::to_string_pretty(&report)? + "\n",
        OutputFormat::Csv => nianbao_schema::render::to_csv(&report),
        OutputFormat::Table => nianbao_schema::render::to_table(&report),
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(0)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Extract(args) => extract(args),
        Command::Dataset(args) => nianbao_dataset::run(args),
        Command::Crawl(args) => nianbao_fetch::run(args),
    };
    match result {
        Ok(code) => ExitCode::from(code.clamp(0, 255) as u8),
        Err(e) => {
            eprintln!("nianbao: {e:#}");
            ExitCode::from(1)
        }
    }
}
