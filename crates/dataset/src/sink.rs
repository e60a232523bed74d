//! One output table written in batches to a temporary file next to its final name; the tables
//! of a run are renamed into place together ([`commit_all`]) only when all are complete: a killed
//! or failed run leaves the old set of tables (or none), never half a file or a mixed set.
//!
//! In CSV, a text cell that a spreadsheet would run as a formula (it starts with `=`, `+`, `-`,
//! `@`, a tab or a carriage return, and is not a plain number) is written with a leading `'`.

use std::borrow::Cow;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use polars::prelude::{
    Column, CsvWriter, DataFrame, DataType, IntoColumn, ParquetWriter, PolarsResult, Schema,
    SerWriter, StringChunked,
};
use tempfile::{NamedTempFile, TempPath};

use crate::error::{Error, Result};

/// The file format of the tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Apache Parquet, ZSTD-compressed (the default).
    Parquet,
    /// CSV with a header row, UTF-8 with a byte-order mark (so that Excel reads the Chinese).
    Csv,
}

impl Format {
    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Parquet => "parquet",
            Format::Csv => "csv",
        }
    }
}

/// Bytes the Parquet writer gathers before each write to its file (unbuffered, it writes every
/// page header and page on its own). The CSV writer writes whole batches already.
const WRITE_BUFFER: usize = 1 << 20;

enum Writer {
    Parquet(Box<polars::io::parquet::write::BatchedWriter<BufWriter<File>>>),
    Csv(polars::io::csv::write::BatchedWriter<File>),
}

/// A table being written: batches go to a hidden temporary file in the output folder.
pub struct Sink {
    temp: NamedTempFile,
    target: PathBuf,
    writer: Writer,
}

/// A table written in full to its temporary file, waiting to be renamed into place.
pub struct Finished {
    temp: NamedTempFile,
    target: PathBuf,
}

impl Finished {
    /// The temporary file (deleted when this is dropped, unless renamed into place).
    pub fn path(&self) -> &Path {
        self.temp.path()
    }
}

impl Sink {
    /// Starts `DIR/NAME.EXT` with the columns of `schema`.
    pub fn create(dir: &Path, name: &str, format: Format, schema: &Schema) -> Result<Sink> {
        let file_name = format!("{name}.{}", format.extension());
        let target = dir.join(&file_name);
        let prefix = format!(".{file_name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666)); // less the umask
        let output = |source| Error::Output {
            path: dir.to_path_buf(),
            source,
        };
        let temp = builder.tempfile_in(dir).map_err(output)?;
        let handle = temp.as_file().try_clone().map_err(output)?;
        let writer = match format {
            // The writer flushes the buffer when it finishes, and reports what the flush returns.
            Format::Parquet => ParquetWriter::new(BufWriter::with_capacity(WRITE_BUFFER, handle))
                .batched(schema)
                .map(|w| Writer::Parquet(Box::new(w))),
            Format::Csv => CsvWriter::new(handle)
                .include_bom(true)
                .batched(schema)
                .map(Writer::Csv),
        }
        .map_err(|source| Error::Table {
            path: target.clone(),
            source,
        })?;
        Ok(Sink {
            temp,
            target,
            writer,
        })
    }

    /// Appends the rows of `frame` (whose columns must match the schema); an error building the
    /// frame is reported as this table's.
    pub fn write(&mut self, frame: PolarsResult<DataFrame>) -> Result<()> {
        let written = frame.and_then(|frame| match &mut self.writer {
            _ if frame.height() == 0 => Ok(()),
            Writer::Parquet(w) => w.write_batch(&frame),
            Writer::Csv(w) => neutralize_formulas(&frame).and_then(|f| w.write_batch(&f)),
        });
        written.map_err(|source| Error::Table {
            path: self.target.clone(),
            source,
        })
    }

    /// Finishes the file and flushes it to disk (it is not yet in place).
    pub fn finish(self) -> Result<Finished> {
        let Sink {
            temp,
            target,
            mut writer,
            ..
        } = self;
        match &mut writer {
            Writer::Parquet(w) => w.finish().map(drop),
            Writer::Csv(w) => w.finish(),
        }
        .map_err(|source| Error::Table {
            path: target.clone(),
            source,
        })?;
        drop(writer);
        match temp.as_file().sync_all() {
            Ok(()) => Ok(Finished { temp, target }),
            Err(source) => Err(Error::Output {
                path: target,
                source,
            }),
        }
    }
}

/// Finishes every table, then renames them all into place. When a table cannot be finished,
/// nothing is replaced; when a rename fails, the tables already renamed get their previous file
/// back (or are removed when there was none), so the folder keeps the previous set whole.
pub fn commit_all(sinks: Vec<Sink>) -> Result<()> {
    let finished = sinks
        .into_iter()
        .map(Sink::finish)
        .collect::<Result<Vec<_>>>()?;
    // (target, the previous file kept under a temporary name)
    let mut replaced: Vec<(PathBuf, Option<TempPath>)> = Vec::new();
    let mut result = Ok(());
    for Finished { temp, target } in finished {
        // A failed rename leaves `target` as it was (its kept link is deleted on drop).
        let step = keep_previous(&target).and_then(|previous| {
            temp.persist(&target).map_err(|e| e.error)?;
            replaced.push((target.clone(), previous));
            Ok(())
        });
        if let Err(source) = step {
            result = Err(Error::Output {
                path: target,
                source,
            });
            break;
        }
    }
    if result.is_err() {
        for (target, previous) in replaced.into_iter().rev() {
            // Best effort: the error already reported is the one that matters.
            let _ = match previous {
                Some(previous) => previous.persist(&target).map_err(|e| e.error),
                None => std::fs::remove_file(&target),
            };
        }
    }
    // On success the previous files, kept as temporary paths, are deleted here.
    result
}

/// Links the file at `target` (when there is one) to a hidden temporary name next to it.
fn keep_previous(target: &Path) -> std::io::Result<Option<TempPath>> {
    if std::fs::symlink_metadata(target).is_err() {
        return Ok(None);
    }
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    let kept = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".previous")
        .make_in(dir, |path| std::fs::hard_link(target, path))?;
    Ok(Some(kept.into_temp_path()))
}

/// Whether a spreadsheet would read `text` as a formula: it starts with `=`, `+`, `-`, `@`, a tab
/// or a carriage return, and is not a plain number (`-3`, `+1.5`) or a lone dash.
pub fn looks_like_formula(text: &str) -> bool {
    let mut chars = text.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let rest = chars.as_str();
    let number = !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit() || c == '.');
    match first {
        '=' | '@' | '\t' | '\r' => true,
        '+' | '-' => !(rest.is_empty() || number),
        _ => false,
    }
}

/// The frame with every text cell that looks like a formula prefixed with `'`.
fn neutralize_formulas(frame: &DataFrame) -> PolarsResult<DataFrame> {
    let columns = frame
        .columns()
        .iter()
        .map(|column| -> PolarsResult<Column> {
            if column.dtype() != &DataType::String {
                return Ok(column.clone());
            }
            let text = column.str()?;
            if !text.iter().flatten().any(looks_like_formula) {
                return Ok(column.clone());
            }
            let safe: StringChunked = text
                .iter()
                .map(|value| {
                    value.map(|v| match looks_like_formula(v) {
                        true => Cow::Owned(format!("'{v}")),
                        false => Cow::Borrowed(v),
                    })
                })
                .collect();
            Ok(safe.with_name(column.name().clone()).into_column())
        })
        .collect::<PolarsResult<Vec<_>>>()?;
    DataFrame::new(frame.height(), columns)
}

#[cfg(test)]
mod tests {
    use polars::prelude::{Column, ParquetReader, SerReader};

    use super::*;

    fn frame(values: &[i64]) -> DataFrame {
        DataFrame::new(values.len(), vec![Column::new("n".into(), values)]).unwrap()
    }

    #[test]
    fn nothing_appears_before_commit_and_no_temporary_file_stays_after() {
        let dir = tempfile::tempdir().unwrap();
        for format in [Format::Parquet, Format::Csv] {
            let schema = frame(&[]).schema().as_ref().clone();
            let mut sink = Sink::create(dir.path(), "t", format, &schema).unwrap();
            sink.write(Ok(frame(&[1, 2]))).unwrap();
            sink.write(Ok(frame(&[3]))).unwrap();
            let target = dir.path().join(format!("t.{}", format.extension()));
            assert!(!target.exists());
            commit_all(vec![sink]).unwrap();
            assert!(target.exists());
        }
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn a_dropped_sink_leaves_no_output() {
        let dir = tempfile::tempdir().unwrap();
        let schema = frame(&[]).schema().as_ref().clone();
        let mut sink = Sink::create(dir.path(), "t", Format::Parquet, &schema).unwrap();
        sink.write(Ok(frame(&[1]))).unwrap();
        drop(sink);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_failed_rename_leaves_the_previous_set_whole() {
        let dir = tempfile::tempdir().unwrap();
        let schema = frame(&[]).schema().as_ref().clone();
        for name in ["a", "b"] {
            let mut sink = Sink::create(dir.path(), name, Format::Csv, &schema).unwrap();
            sink.write(Ok(frame(&[1]))).unwrap();
            commit_all(vec![sink]).unwrap();
        }
        let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
        let before = (read("a.csv"), read("b.csv"));
        let mut sinks = Vec::new();
        for name in ["a", "b", "c"] {
            let mut sink = Sink::create(dir.path(), name, Format::Csv, &schema).unwrap();
            sink.write(Ok(frame(&[2, 3]))).unwrap();
            sinks.push(sink);
        }
        // b's temporary file disappears: its rename fails after a's has been done.
        std::fs::remove_file(sinks[1].temp.path()).unwrap();
        assert!(commit_all(sinks).is_err());
        assert_eq!((read("a.csv"), read("b.csv")), before);
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["a.csv", "b.csv"], "no c, no temporary file");
    }

    #[test]
    fn formulas_are_neutralized_in_csv_only() {
        for (text, formula) in [
            ("=HYPERLINK(\"http://x\",\"报告\")", true),
            ("+1+2", true),
            ("-2+3", true),
            ("@SUM(A1)", true),
            ("\tx", true),
            ("-3", false),
            ("+1.5", false),
            ("-", false),
            ("洪泽区人民政府", false),
            ("", false),
        ] {
            assert_eq!(looks_like_formula(text), formula, "{text:?}");
        }
        let dir = tempfile::tempdir().unwrap();
        let rows = DataFrame::new(
            2,
            vec![
                Column::new("title".into(), ["=HYPERLINK(\"x\")", "报告"]),
                Column::new("n".into(), [-1i64, 2]),
            ],
        )
        .unwrap();
        for format in [Format::Csv, Format::Parquet] {
            let mut sink = Sink::create(dir.path(), "t", format, rows.schema()).unwrap();
            sink.write(Ok(rows.clone())).unwrap();
            commit_all(vec![sink]).unwrap();
        }
        let csv = std::fs::read_to_string(dir.path().join("t.csv")).unwrap();
        assert_eq!(
            csv,
            "\u{feff}title,n\n\"'=HYPERLINK(\"\"x\"\")\",-1\n报告,2\n"
        );
        let parquet = ParquetReader::new(File::open(dir.path().join("t.parquet")).unwrap());
        let back = parquet.finish().unwrap();
        assert_eq!(
            back.column("title").unwrap().str().unwrap().get(0),
            Some("=HYPERLINK(\"x\")")
        );
    }
}
