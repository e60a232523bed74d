//! nianbao-store: the crawl folder on disk, without the network stack. A crawl folder holds
//!
//! * `raw/`: the bytes of every stored report page and attachment, named by their SHA-256
//!   ([`raw`]: written to a temporary file, synced, renamed);
//! * `crawl.sqlite` ([`STATE_FILE`]): the crawl's state. The crawler (nianbao-fetch) owns its
//!   schema and writes it; this crate reads the one thing others need from it, the documents
//!   stored ([`crawled_documents`]), so that the dataset can list a crawl folder without
//!   building an HTTP client.

#![deny(missing_docs)]

pub mod raw;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

/// The file name of the crawl state inside a crawl folder.
pub const STATE_FILE: &str = "crawl.sqlite";

/// What a stored document was to the crawl.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// A report page.
    Report,
    /// An attachment of a report page (DOCX, PDF, …).
    Attachment,
}

impl DocumentKind {
    /// The name stored in `crawl.sqlite` and in the dataset's `crawl_kind`.
    pub fn name(self) -> &'static str {
        match self {
            DocumentKind::Report => "report",
            DocumentKind::Attachment => "attachment",
        }
    }

    /// The kind a stored name stands for.
    pub fn from_name(name: &str) -> Option<DocumentKind> {
        match name {
            "report" => Some(DocumentKind::Report),
            "attachment" => Some(DocumentKind::Attachment),
            _ => None,
        }
    }
}

/// One document stored by a crawl, for the dataset.
#[derive(Debug, Clone)]
pub struct CrawledDocument {
    /// The stored bytes (in the crawl folder's raw store).
    pub path: PathBuf,
    /// The URL it was fetched from (after redirects).
    pub url: String,
    /// When it was fetched, RFC 3339.
    pub fetched_at: String,
    /// The title (or link text) of the page that linked to it.
    pub referrer_title: Option<String>,
    /// A report page or an attachment.
    pub kind: DocumentKind,
    /// SHA-256 of the bytes, lower-case hex (also the file name).
    pub sha256: String,
    /// The `Content-Type` it was served with.
    pub content_type: Option<String>,
    /// The encoding a report page was decoded with (`GB18030`, `UTF-8`…); none for attachments.
    pub encoding: Option<String>,
}

/// Why a crawl folder could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    /// The folder has no crawl state.
    #[error("{0}: not a crawl folder (no {STATE_FILE})")]
    NotACrawlFolder(PathBuf),
    /// The crawl state could not be read.
    #[error("{path}: cannot read the crawl state: {source}")]
    State {
        /// The state file.
        path: PathBuf,
        /// The database error.
        source: rusqlite::Error,
    },
    /// The crawl state names a kind of document this version does not know.
    #[error("{path}: unknown document kind {kind:?} in the crawl state")]
    UnknownKind {
        /// The state file.
        path: PathBuf,
        /// The kind stored.
        kind: String,
    },
}

/// Whether `dir` is a crawl folder.
pub fn is_crawl_dir(dir: &Path) -> bool {
    dir.join(STATE_FILE).is_file()
}

/// The documents a crawl folder holds: the current version of each stored report and
/// attachment, in the order they were stored.
pub fn crawled_documents(dir: &Path) -> Result<Vec<CrawledDocument>, FolderError> {
    if !is_crawl_dir(dir) {
        return Err(FolderError::NotACrawlFolder(dir.to_path_buf()));
    }
    let path = dir.join(STATE_FILE);
    let state = |source| FolderError::State {
        path: path.clone(),
        source,
    };
    let conn = Connection::open_with_flags(
        &path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(state)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .map_err(state)?;
    let mut stmt = conn
        .prepare(
            "SELECT d.path, u.url, d.fetched_at, u.referrer_title, d.kind, d.sha256, d.content_type, d.encoding
             FROM documents d JOIN urls u ON u.id = d.url_id AND u.sha256 = d.sha256 ORDER BY d.id",
        )
        .map_err(state)?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, Option<String>>(7)?,
            ))
        })
        .map_err(state)?;
    let mut documents = Vec::new();
    for row in rows {
        let (rel, url, fetched_at, referrer_title, kind, sha256, content_type, encoding) =
            row.map_err(state)?;
        let kind = DocumentKind::from_name(&kind).ok_or_else(|| FolderError::UnknownKind {
            path: path.clone(),
            kind,
        })?;
        documents.push(CrawledDocument {
            path: dir.join(rel),
            url,
            fetched_at,
            referrer_title,
            kind,
            sha256,
            content_type,
            encoding,
        });
    }
    Ok(documents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_without_state_is_not_a_crawl_folder() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!is_crawl_dir(dir.path()));
        let err = crawled_documents(dir.path()).unwrap_err();
        assert!(err.to_string().contains("not a crawl folder"), "{err}");
    }

    #[test]
    fn stored_documents_are_listed_with_their_kind() {
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join(STATE_FILE)).unwrap();
        conn.execute_batch(
            "CREATE TABLE urls (id INTEGER PRIMARY KEY, url TEXT, referrer_title TEXT, sha256 TEXT);
             CREATE TABLE documents (id INTEGER PRIMARY KEY, url_id INTEGER, sha256 TEXT, path TEXT,
               fetched_at TEXT, kind TEXT, content_type TEXT, encoding TEXT);
             INSERT INTO urls VALUES (1, 'http://a.gov.cn/r.html', '年报', 'ab12');
             INSERT INTO documents VALUES (1, 1, 'ab12', 'raw/ab/ab12.html', '2026-01-01T00:00:00Z',
               'report', 'text/html', 'UTF-8');",
        )
        .unwrap();
        drop(conn);
        let docs = crawled_documents(dir.path()).unwrap();
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].kind, DocumentKind::Report);
        assert_eq!(docs[0].path, dir.path().join("raw/ab/ab12.html"));
        assert_eq!(docs[0].referrer_title.as_deref(), Some("年报"));
    }
}
