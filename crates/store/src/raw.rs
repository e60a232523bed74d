//! The raw store: the bytes of every stored document, named by their SHA-256.
//!
//! A document lives at `raw/<first two hex digits>/<sha256>.<ext>`. The same bytes are written once,
//! whatever URL they came from. Every file is written to `raw/tmp/`, flushed to disk, then renamed
//! into place, so a crash leaves either the whole file or none (a stray temporary file at worst).

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// A content-addressed folder of raw documents.
#[derive(Debug)]
pub struct RawStore {
    /// The crawl folder (the store is its `raw/` subfolder).
    dir: PathBuf,
    counter: AtomicU64,
}

/// Where a document was put.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// The SHA-256 of the bytes, lower-case hex.
    pub sha256: String,
    /// The file, relative to the crawl folder (`raw/ab/ab….pdf`).
    pub rel_path: String,
}

impl RawStore {
    /// Opens (and creates) the store under the crawl folder `dir`.
    pub fn open(dir: &Path) -> io::Result<RawStore> {
        fs::create_dir_all(dir.join("raw/tmp"))?;
        Ok(RawStore {
            dir: dir.to_path_buf(),
            counter: AtomicU64::new(0),
        })
    }

    /// The SHA-256 of `bytes`, lower-case hex.
    pub fn hash(bytes: &[u8]) -> String {
        nianbao_format::sha256_hex(bytes)
    }

    /// The relative path a document with this hash and extension has.
    pub fn rel_path(sha256: &str, ext: &str) -> String {
        format!("raw/{}/{sha256}.{ext}", &sha256[..2])
    }

    /// Stores `bytes` (unless the same bytes with the same extension are already there).
    pub fn put(&self, bytes: &[u8], ext: &str) -> io::Result<Stored> {
        let sha256 = Self::hash(bytes);
        let rel_path = Self::rel_path(&sha256, ext);
        let target = self.dir.join(&rel_path);
        if !target.is_file() {
            let dir = target.parent().unwrap_or(&self.dir);
            fs::create_dir_all(dir)?;
            let n = self.counter.fetch_add(1, Ordering::Relaxed);
            let tmp = self
                .dir
                .join("raw/tmp")
                .join(format!("{}-{n}.part", std::process::id()));
            let mut file = fs::File::create(&tmp)?;
            file.write_all(bytes)?;
            file.sync_all()?;
            drop(file);
            fs::rename(&tmp, &target)?;
            fs::File::open(dir)?.sync_all()?;
        }
        Ok(Stored { sha256, rel_path })
    }

    /// Reads a stored document back, by its relative path.
    pub fn read(&self, rel_path: &str) -> io::Result<Vec<u8>> {
        fs::read(self.dir.join(rel_path))
    }
}

/// Takes the crawl folder's lock (`DIR/crawl.lock`), held until the returned file is dropped or
/// the process ends, however it ends. Fails when another crawl holds it.
pub fn lock(dir: &Path) -> io::Result<fs::File> {
    fs::create_dir_all(dir)?;
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join("crawl.lock"))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => Err(io::Error::new(
            io::ErrorKind::WouldBlock,
            format!("{}: another crawl is using this folder", dir.display()),
        )),
        Err(fs::TryLockError::Error(e)) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_is_content_addressed_and_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let store = RawStore::open(dir.path()).unwrap();
        let a = store.put(b"hello", "html").unwrap();
        let b = store.put(b"hello", "html").unwrap();
        assert_eq!(a, b);
        assert_eq!(
            a.sha256,
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        assert_eq!(store.read(&a.rel_path).unwrap(), b"hello");
        assert_eq!(fs::read_dir(dir.path().join("raw/tmp")).unwrap().count(), 0);
    }

    #[test]
    fn one_crawl_per_folder() {
        let dir = tempfile::tempdir().unwrap();
        let held = lock(dir.path()).unwrap();
        assert_eq!(
            lock(dir.path()).unwrap_err().kind(),
            io::ErrorKind::WouldBlock
        );
        drop(held);
        lock(dir.path()).unwrap();
    }
}
