//! One document in, one outcome out: the report, or the reason it could not be read. Nothing a
//! document contains can stop the run: read errors, extractor errors and extractor panics all
//! become failed outcomes.

use std::panic::{catch_unwind, AssertUnwindSafe};

use nianbao_extract::{ExtractError, Limits, Narrative};
use nianbao_format::sha256_hex;
use nianbao_schema::Report;

use crate::inputs::{path_text, Document};

/// What became of one document.
#[derive(Debug)]
pub struct Outcome {
    /// The document.
    pub document: Document,
    /// The stable id: hex sha256 of the document's bytes (of its path when it could not be read).
    pub report_id: String,
    /// The report, or why there is none.
    pub result: Result<Report, Failure>,
    /// What the prose states (empty when the document could not be read).
    pub narrative: Narrative,
}

/// Why a document gave no report.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// For a person: the file and the reason.
    pub message: String,
    /// A short, stable name of the kind of failure (`io`, `too_large`, `legacy_office`, …,
    /// `panic`), for counting.
    pub kind: &'static str,
}

impl Failure {
    fn from_error(error: &ExtractError) -> Failure {
        Failure {
            message: error.to_string(),
            kind: error.kind(),
        }
    }
}

/// Reads and extracts one document.
pub fn extract(document: Document, limits: &Limits) -> Outcome {
    let name = path_text(&document.path);
    if let Some(reason) = &document.unlisted {
        return Outcome {
            report_id: sha256_hex(name.as_bytes()),
            result: Err(Failure {
                message: format!("{name}: cannot list folder: {reason}"),
                kind: "io",
            }),
            narrative: Narrative::default(),
            document,
        };
    }
    let bytes = match nianbao_extract::read_file(&document.path, limits.max_input_bytes) {
        Ok(bytes) => bytes,
        Err(error) => {
            let report_id = sha256_hex(name.as_bytes());
            return Outcome {
                document,
                report_id,
                result: Err(Failure::from_error(&error)),
                narrative: Narrative::default(),
            };
        }
    };
    let (result, narrative) = match catch_unwind(AssertUnwindSafe(|| {
        nianbao_extract::extract_bytes_with_narrative(&bytes, &name, limits)
    })) {
        Ok(Ok((report, narrative))) => (Ok(report), narrative),
        Ok(Err(error)) => (Err(Failure::from_error(&error)), Narrative::default()),
        Err(panic) => (
            Err(Failure {
                message: format!("{name}: the extractor failed: {}", panic_message(&*panic)),
                kind: "panic",
            }),
            Narrative::default(),
        ),
    };
    let report_id = match &result {
        Ok(report) if !report.source.sha256.is_empty() => report.source.sha256.clone(),
        _ => sha256_hex(&bytes),
    };
    Outcome {
        document,
        report_id,
        result,
        narrative,
    }
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
        let outcome = extract(Document::file(big.clone()), &limits);
        let failure = outcome.result.unwrap_err();
        assert!(
            failure.message.contains("more than the input limit"),
            "{failure:?}"
        );
        assert_eq!(failure.kind, "too_large");
        assert_eq!(
            outcome.report_id,
            sha256_hex(big.display().to_string().as_bytes())
        );

        let missing = extract(Document::file(dir.path().join("gone.txt")), &limits);
        let failure = missing.result.unwrap_err();
        assert!(failure.message.contains("cannot read file"), "{failure:?}");
        assert_eq!(failure.kind, "io");
    }
}
