//! `nianbao dataset INPUT... --out DIR`: its options, the summary line, the exit codes.
//!
//! Exit codes: 0 every document was read, 3 the tables were written but some documents could
//! not be read (their `reports` rows say why), 1 fatal (no table replaced), 2 bad arguments.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Exit code: the tables were written, but some documents could not be read.
const EXIT_SOME_FAILED: u8 = 3;

/// Options of `nianbao dataset`.
#[derive(clap::Args, Debug, Clone)]
pub struct DatasetArgs {
    /// Files, folders (walked recursively) or crawl folders to read.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// The output folder (created if absent); existing tables in it are replaced.
    #[arg(long)]
    pub out: PathBuf,
    /// The table format.
    #[arg(long, value_enum, default_value_t = TableFormat::Parquet)]
    pub format: TableFormat,
    /// Worker threads for extraction (default: all cores).
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// No progress bar (the summary line is still printed).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Largest document accepted, in bytes; larger ones become error rows.
    #[arg(long, default_value_t = nianbao_extract::Limits::default().max_input_bytes)]
    pub max_input_bytes: u64,
}

/// The table file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    /// Apache Parquet, ZSTD-compressed.
    Parquet,
    /// CSV, UTF-8 with a byte-order mark.
    Csv,
}

/// Runs `nianbao dataset` and prints its summary line.
pub fn run(args: &DatasetArgs) -> anyhow::Result<ExitCode> {
    let options = nianbao_dataset::Options {
        inputs: args.inputs.clone(),
        out: args.out.clone(),
        format: match args.format {
            TableFormat::Parquet => nianbao_dataset::Format::Parquet,
            TableFormat::Csv => nianbao_dataset::Format::Csv,
        },
        jobs: args.jobs,
        limits: nianbao_extract::Limits {
            max_input_bytes: args.max_input_bytes,
            ..nianbao_extract::Limits::default()
        },
    };
    let summary = if !args.quiet && std::io::stderr().is_terminal() {
        nianbao_dataset::build(&options, &ProgressLine::new())?
    } else {
        nianbao_dataset::build(&options, &nianbao_dataset::progress::Silent)?
    };
    eprintln!("{summary}");
    Ok(if summary.failed > 0 {
        ExitCode::from(EXIT_SOME_FAILED)
    } else {
        ExitCode::SUCCESS
    })
}

/// The progress bar on stderr: documents done of total, rate, ETA and failures.
struct ProgressLine {
    bar: ProgressBar,
    failed: AtomicUsize,
}

impl ProgressLine {
    fn new() -> ProgressLine {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(
            "{elapsed_precise} [{bar:30}] {pos}/{len} {per_sec} ETA {eta} {msg}",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        ProgressLine {
            bar,
            failed: AtomicUsize::new(0),
        }
    }
}

impl nianbao_dataset::progress::Observer for ProgressLine {
    fn started(&self, documents: usize) {
        self.bar.set_length(documents as u64);
        self.bar.enable_steady_tick(Duration::from_millis(200));
    }

    fn done(&self, failed: bool) {
        if failed {
            let n = self.failed.fetch_add(1, Ordering::Relaxed) + 1;
            self.bar.set_message(format!("{n} failed"));
        }
        self.bar.inc(1);
    }

    fn finished(&self) {
        self.bar.finish_and_clear();
    }
}
