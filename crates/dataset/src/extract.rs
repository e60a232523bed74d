//! One document in, one outcome out: the report, or the reason it could not be read. Nothing a
//! document contains can stop the run: read errors, extractor errors and extractor panics all
//! become failed outcomes.

use std::panic::{catch_unwind, AssertUnwindSafe};

use nianbao_extract::Limits;
use nianbao_schema::Report;
use sha2::{Digest, Sha256};

use crate::inputs::Document;

/// What became of one document.
#[derive(Debug)]
pub struct Outcome {
    /// The document.
    pub document: Document,
    /// The stable id: hex sha256 of the document's bytes (of its path when it could not be read).
    pub report_id: String,
    /// The report, or why there is none.
    pub result: Result<Report, String>,
}

/// Reads and extracts one document.
pub fn extract(document: Document, limits: &Limits) -> Outcome {
    let name = document.path.display().to_string();
    let bytes = match read(&document, limits) {
        Ok(bytes) => bytes,
        Err(error) => {
            let report_id = sha256_hex(name.as_bytes());
            return Outcome {
                document,
                report_id,
                result: Err(error),
            };
        }
    };
    let result = match catch_unwind(AssertUnwindSafe(|| {
        nianbao_extract::extract_bytes(&bytes, &name, limits)
    })) {
        Ok(Ok(report)) => Ok(report),
        Ok(Err(error)) => Err(error.to_string()),
        Err(panic) => Err(format!(
            "{name}: the extractor failed: {}",
            panic_message(&*panic)
        )),
    };
    let report_id = match &result {
        Ok(report) if !report.source.sha256.is_empty() => report.source.sha256.clone(),
        _ => sha256_hex(&bytes),
    };
    Outcome {
        document,
        report_id,
        result,
    }
}

fn read(document: &Document, limits: &Limits) -> Result<Vec<u8>, String> {
    let path = &document.path;
    let size = std::fs::metadata(path)
        .map_err(|e| format!("{}: cannot read file: {e}", path.display()))?
        .len();
    if size > limits.max_input_bytes {
        return Err(format!(
            "{}: {size} bytes, larger than the limit of {} (--max-input-bytes)",
            path.display(),
            limits.max_input_bytes
        ));
    }
    std::fs::read(path).map_err(|e| format!("{}: cannot read file: {e}", path.display()))
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreadable_and_oversized_files_fail_with_a_stable_id() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.txt");
        std::fs::write(&big, vec![b'x'; 100]).unwrap();
        let limits = Limits {
            max_input_bytes: 10,
            ..Limits::default()
        };
        let outcome = extract(
            Document {
                path: big.clone(),
                crawl: None,
            },
            &limits,
        );
        assert!(outcome
            .result
            .unwrap_err()
            .contains("larger than the limit"));
        assert_eq!(
            outcome.report_id,
            sha256_hex(big.display().to_string().as_bytes())
        );

        let missing = extract(
            Document {
                path: dir.path().join("gone.txt"),
                crawl: None,
            },
            &limits,
        );
        assert!(missing.result.unwrap_err().contains("cannot read file"));
    }

    #[test]
    fn sha256_is_lowercase_hex() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
