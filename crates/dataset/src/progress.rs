//! What a dataset build reports while it runs, to an [`Observer`] the caller gives: the library
//! prints nothing (the CLI draws its progress bar with it).

/// Told how the build goes. Every method does nothing by default.
pub trait Observer: Sync {
    /// The documents to extract are known.
    fn started(&self, _documents: usize) {}
    /// A worker finished one document (`failed`: it gave no report).
    fn done(&self, _failed: bool) {}
    /// Every document is extracted (the tables are being finished).
    fn finished(&self) {}
}

/// An observer that ignores everything.
pub struct Silent;

impl Observer for Silent {}
