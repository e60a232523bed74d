//! The command line's inputs as a list of documents, in a deterministic order: inputs as given;
//! inside a folder, entries sorted by name and walked depth first; a crawl folder's documents in
//! the order the crawl lists them, each with its URL, fetch time and referring page. A folder
//! inside an input that cannot be listed becomes a document that fails (an error row), not a
//! fatal error.

use std::path::{Path, PathBuf};

use nianbao_format::Format;
use nianbao_store::DocumentKind;

use crate::error::{Error, Result};

/// What a crawl recorded about a document.
#[derive(Debug, Clone, PartialEq)]
pub struct CrawlInfo {
    /// The URL it was fetched from.
    pub url: String,
    /// When it was fetched, RFC 3339.
    pub fetched_at: String,
    /// The title (or link text) of the page that linked to it.
    pub referrer_title: Option<String>,
    /// A report page or an attachment.
    pub kind: DocumentKind,
}

/// One document to extract.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The file holding its bytes.
    pub path: PathBuf,
    /// Set when it came from a crawl folder (boxed: the list of a run's documents is held to the
    /// end, and a document outside a crawl then costs 8 bytes for it instead of 80).
    pub crawl: Option<Box<CrawlInfo>>,
    /// Set when `path` is a folder inside an input that could not be listed: why.
    pub unlisted: Option<String>,
}

impl Document {
    /// A file to read (not from a crawl).
    pub fn file(path: PathBuf) -> Document {
        Document {
            path,
            crawl: None,
            unlisted: None,
        }
    }
}

/// The text of a path, without loss: on Unix, bytes that are not UTF-8 are written `\xNN` and a
/// backslash `\\`, so two different names never give the same text.
pub fn path_text(path: &Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let bytes = path.as_os_str().as_bytes();
        match std::str::from_utf8(bytes) {
            Ok(text) if !text.contains('\\') => text.to_string(),
            _ => {
                let mut out = String::with_capacity(bytes.len() + 8);
                for chunk in bytes.utf8_chunks() {
                    out.push_str(&chunk.valid().replace('\\', "\\\\"));
                    for b in chunk.invalid() {
                        out.push_str(&format!("\\x{b:02x}"));
                    }
                }
                out
            }
        }
    }
    #[cfg(not(unix))]
    {
        path.display().to_string()
    }
}

/// The documents found, and how many files were passed over.
#[derive(Debug, Default)]
pub struct Inputs {
    /// The documents, in output order.
    pub documents: Vec<Document>,
    /// Files inside folders that are not documents (by extension), skipped.
    pub skipped: usize,
}

/// Whether a file found inside a folder is a document the extractor reads, judged by its
/// extension.
pub fn is_document(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .and_then(Format::from_extension)
        .is_some_and(Format::is_read)
}

/// Expands the inputs. A file named on the command line is always a document; a missing input
/// or an unreadable folder is an error (nothing has been written yet).
pub fn collect(paths: &[PathBuf]) -> Result<Inputs> {
    let mut inputs = Inputs::default();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|source| Error::Input {
            path: path.clone(),
            source,
        })?;
        if meta.is_dir() {
            walk(path, &mut inputs, true)?;
        } else {
            inputs.documents.push(Document::file(path.clone()));
        }
    }
    Ok(inputs)
}

/// Walks a folder; `top` is an input as given (its failure is fatal), otherwise a folder that
/// cannot be listed (or a crawl folder whose state cannot be read) becomes a failing document.
fn walk(dir: &Path, inputs: &mut Inputs, top: bool) -> Result<()> {
    if nianbao_store::is_crawl_dir(dir) {
        return match crawl(dir, inputs) {
            Err(error) if !top => {
                inputs.documents.push(Document {
                    unlisted: Some(error.to_string()),
                    ..Document::file(dir.to_path_buf())
                });
                Ok(())
            }
            done => done,
        };
    }
    let listed =
        std::fs::read_dir(dir).and_then(|entries| entries.collect::<std::io::Result<Vec<_>>>());
    let mut entries = match listed {
        Ok(entries) => entries,
        Err(error) if !top => {
            inputs.documents.push(Document {
                unlisted: Some(error.to_string()),
                ..Document::file(dir.to_path_buf())
            });
            return Ok(());
        }
        Err(source) => {
            return Err(Error::List {
                path: dir.to_path_buf(),
                source,
            })
        }
    };
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        // Follows symlinks to files, not to folders (no cycles).
        let file_type = entry.file_type().map_err(|source| Error::List {
            path: dir.to_path_buf(),
            source,
        })?;
        if file_type.is_dir() {
            walk(&path, inputs, false)?;
        } else if path.is_file() && is_document(&path) {
            inputs.documents.push(Document::file(path));
        } else if path.is_file() {
            inputs.skipped += 1;
        }
    }
    Ok(())
}

fn crawl(dir: &Path, inputs: &mut Inputs) -> Result<()> {
    let documents = nianbao_store::crawled_documents(dir)?;
    inputs
        .documents
        .extend(documents.into_iter().map(|d| Document {
            path: d.path,
            crawl: Some(Box::new(CrawlInfo {
                url: d.url,
                fetched_at: d.fetched_at,
                referrer_title: d.referrer_title,
                kind: d.kind,
            })),
            unlisted: None,
        }));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_are_walked_in_name_order_and_other_files_counted() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("b/c")).unwrap();
        std::fs::create_dir_all(root.join(".hidden")).unwrap();
        for name in [
            "b/c/z.HTML",
            "b/a.docx",
            "a.txt",
            "truth.json",
            ".hidden/x.txt",
            "b/c/y.png",
        ] {
            std::fs::write(root.join(name), "x").unwrap();
        }
        let single = root.join("truth.json");
        let found = collect(&[root.to_path_buf(), single.clone()]).unwrap();
        let names: Vec<_> = found
            .documents
            .iter()
            .map(|d| d.path.strip_prefix(root).unwrap().to_owned())
            .collect();
        let expected: Vec<PathBuf> = ["a.txt", "b/a.docx", "b/c/z.HTML", "truth.json"]
            .iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(names, expected);
        assert_eq!(found.skipped, 2);
    }

    #[test]
    fn a_document_outside_a_crawl_is_small() {
        // A run holds the list of its documents to the end: 56 bytes each, and the path.
        assert_eq!(std::mem::size_of::<Document>(), 56);
    }

    #[test]
    fn path_text_is_lossless() {
        assert_eq!(path_text(Path::new("a/报告.pdf")), "a/报告.pdf");
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let text = |b: &[u8]| path_text(Path::new(std::ffi::OsStr::from_bytes(b)));
            assert_eq!(text(b"r\xff.txt"), "r\\xff.txt");
            assert_eq!(text(b"r\\xff.txt"), "r\\\\xff.txt");
            assert_ne!(text(b"r\xfe.txt"), text(b"r\xff.txt"));
        }
    }

    #[test]
    fn a_subfolder_that_cannot_be_listed_is_a_document_that_fails() {
        // A path longer than PATH_MAX cannot be listed, whoever runs the test (root included).
        let dir = tempfile::tempdir().unwrap();
        let part = "d".repeat(250);
        let mut deep = dir.path().to_path_buf();
        while deep.as_os_str().len() < 3800 {
            deep.push(&part);
        }
        std::fs::create_dir_all(&deep).unwrap();
        // Two more levels, made relative to `deep`: the last one's path is too long to list.
        let status = std::process::Command::new("mkdir")
            .arg("-p")
            .arg(format!("{part}/{part}"))
            .current_dir(&deep)
            .status()
            .unwrap();
        assert!(status.success());
        std::fs::write(dir.path().join("a.txt"), "x").unwrap();
        let found = collect(&[dir.path().to_path_buf()]).unwrap();
        assert_eq!(found.documents.len(), 2, "{:?}", found.documents);
        assert!(found.documents[0].unlisted.is_none());
        let unlisted = &found.documents[1];
        assert!(
            unlisted
                .unlisted
                .as_deref()
                .unwrap()
                .contains("name too long"),
            "{unlisted:?}"
        );
        assert!(path_text(&unlisted.path).len() > 4096);
    }

    #[test]
    fn a_crawl_subfolder_whose_state_cannot_be_read_is_a_document_that_fails() {
        let dir = tempfile::tempdir().unwrap();
        let crawl = dir.path().join("crawl");
        std::fs::create_dir(&crawl).unwrap();
        std::fs::write(crawl.join(nianbao_store::STATE_FILE), "not a database").unwrap();
        let found = collect(&[dir.path().to_path_buf()]).unwrap();
        assert_eq!(found.documents.len(), 1);
        assert_eq!(found.documents[0].path, crawl);
        assert!(found.documents[0].unlisted.is_some());
        // Given on the command line, the same folder is fatal.
        assert!(matches!(collect(&[crawl]), Err(Error::Crawl(_))));
    }

    #[test]
    fn a_missing_input_is_an_error() {
        let err = collect(&[PathBuf::from("/no/such/folder")]).unwrap_err();
        assert!(matches!(err, Error::Input { .. }), "{err:?}");
        assert_eq!(err.to_string(), "/no/such/folder: cannot read input");
    }
}
