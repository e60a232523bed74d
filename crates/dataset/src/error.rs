//! Why a run stopped before replacing its tables (a fatal error; what a document contains never
//! is one: it becomes an error row).

use std::path::PathBuf;

/// A fatal error of `nianbao dataset`. Each names the file or folder concerned; the cause is its
/// [`source`](std::error::Error::source).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input that does not exist or cannot be read.
    #[error("{}: cannot read input", .path.display())]
    Input {
        /// The input as given.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// An input folder (given on the command line) that cannot be listed.
    #[error("{}: cannot list folder", .path.display())]
    List {
        /// The folder.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A crawl folder whose state cannot be read.
    #[error(transparent)]
    Crawl(#[from] nianbao_store::FolderError),
    /// The output folder or a file in it cannot be created, written or renamed.
    #[error("{}: cannot write", .path.display())]
    Output {
        /// The folder or file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A table could not be built or encoded.
    #[error("{}: cannot write the table", .path.display())]
    Table {
        /// The table's file.
        path: PathBuf,
        /// The polars error.
        #[source]
        source: polars::error::PolarsError,
    },
    /// The worker threads could not start.
    #[error("cannot start the worker threads")]
    Threads(#[source] rayon::ThreadPoolBuildError),
}

/// The result of a run's steps.
pub type Result<T> = std::result::Result<T, Error>;
