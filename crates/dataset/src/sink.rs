//! One output table written in batches to a temporary file next to its final name, and renamed
//! into place only when complete: a killed run leaves the old file (or none), never half a file.

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::Context;
use polars::prelude::{CsvWriter, DataFrame, ParquetWriter, Schema, SerWriter};
use tempfile::NamedTempFile;

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

enum Writer {
    Parquet(Box<polars::io::parquet::write::BatchedWriter<File>>),
    Csv(polars::io::csv::write::BatchedWriter<File>),
}

/// A table being written: batches go to a hidden temporary file in the output folder.
pub struct Sink {
    temp: NamedTempFile,
    target: PathBuf,
    writer: Writer,
    rows: usize,
}

impl Sink {
    /// Starts `DIR/NAME.EXT` with the columns of `schema`.
    pub fn create(dir: &Path, name: &str, format: Format, schema: &Schema) -> anyhow::Result<Sink> {
        let file_name = format!("{name}.{}", format.extension());
        let target = dir.join(&file_name);
        let prefix = format!(".{file_name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666)); // less the umask
        let temp = builder
            .tempfile_in(dir)
            .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
        let handle = temp.as_file().try_clone()?;
        let writer = match format {
            Format::Parquet => {
                Writer::Parquet(Box::new(ParquetWriter::new(handle).batched(schema)?))
            }
            Format::Csv => Writer::Csv(CsvWriter::new(handle).include_bom(true).batched(schema)?),
        };
        Ok(Sink {
            temp,
            target,
            writer,
            rows: 0,
        })
    }

    /// Appends the rows of `frame` (whose columns must match the schema).
    pub fn write(&mut self, frame: &DataFrame) -> anyhow::Result<()> {
        if frame.height() == 0 {
            return Ok(());
        }
        match &mut self.writer {
            Writer::Parquet(w) => w.write_batch(frame),
            Writer::Csv(w) => w.write_batch(frame),
        }
        .with_context(|| format!("cannot write {}", self.target.display()))?;
        self.rows += frame.height();
        Ok(())
    }

    /// Finishes the file, flushes it to disk and renames it into place; returns the row count.
    pub fn commit(self) -> anyhow::Result<usize> {
        let Sink {
            temp,
            target,
            mut writer,
            rows,
        } = self;
        match &mut writer {
            Writer::Parquet(w) => w.finish().map(drop),
            Writer::Csv(w) => w.finish(),
        }
        .with_context(|| format!("cannot finish {}", target.display()))?;
        drop(writer);
        temp.as_file().sync_all()?;
        temp.persist(&target)
            .with_context(|| format!("cannot rename the temporary file to {}", target.display()))?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use polars::prelude::Column;

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
            sink.write(&frame(&[1, 2])).unwrap();
            sink.write(&frame(&[3])).unwrap();
            let target = dir.path().join(format!("t.{}", format.extension()));
            assert!(!target.exists());
            assert_eq!(sink.commit().unwrap(), 3);
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
        sink.write(&frame(&[1])).unwrap();
        drop(sink);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
