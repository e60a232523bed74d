//! The command line's inputs as a list of documents, in a deterministic order: inputs as given;
//! inside a folder, entries sorted by name and walked depth first; a crawl folder's documents in
//! the order the crawl lists them, each with its URL, fetch time and referring page.

use std::path::{Path, PathBuf};

use anyhow::Context;
use nianbao_format::Format;
use nianbao_store::DocumentKind;

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
    /// Set when it came from a crawl folder.
    pub crawl: Option<CrawlInfo>,
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
pub fn collect(paths: &[PathBuf]) -> anyhow::Result<Inputs> {
    let mut inputs = Inputs::default();
    for path in paths {
        let meta = std::fs::metadata(path)
            .with_context(|| format!("{}: cannot read input", path.display()))?;
        if meta.is_dir() {
            walk(path, &mut inputs)?;
        } else {
            inputs.documents.push(Document {
                path: path.clone(),
                crawl: None,
            });
        }
    }
    Ok(inputs)
}

fn walk(dir: &Path, inputs: &mut Inputs) -> anyhow::Result<()> {
    if nianbao_store::is_crawl_dir(dir) {
        return crawl(dir, inputs);
    }
    let mut entries = std::fs::read_dir(dir)
        .and_then(|entries| entries.collect::<Result<Vec<_>, _>>())
        .with_context(|| format!("{}: cannot list folder", dir.display()))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        // Follows symlinks to files, not to folders (no cycles).
        let file_type = entry.file_type()?;
        if file_type.is_dir() {
            walk(&path, inputs)?;
        } else if path.is_file() && is_document(&path) {
            inputs.documents.push(Document { path, crawl: None });
        } else if path.is_file() {
            inputs.skipped += 1;
        }
    }
    Ok(())
}

fn crawl(dir: &Path, inputs: &mut Inputs) -> anyhow::Result<()> {
    let documents = nianbao_store::crawled_documents(dir)?;
    inputs
        .documents
        .extend(documents.into_iter().map(|d| Document {
            path: d.path,
            crawl: Some(CrawlInfo {
                url: d.url,
                fetched_at: d.fetched_at,
                referrer_title: d.referrer_title,
                kind: d.kind,
            }),
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
    fn a_missing_input_is_an_error() {
        let err = collect(&[PathBuf::from("/no/such/folder")]).unwrap_err();
        assert!(format!("{err:#}").contains("/no/such/folder"));
    }
}
