//! nianbao-extract: bytes of one report → decoded document → tables as grids → template
//! alignment → a checked [`Report`].

use std::path::Path;

pub use nianbao_schema::Report;

/// Why a document could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    /// The file could not be read from disk.
    #[error("{path}: cannot read file: {source}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The bytes are not a document this tool reads.
    #[error("{path}: {reason}")]
    Unreadable {
        /// The path.
        path: String,
        /// What is wrong, for a person.
        reason: String,
    },
}

/// Limits that keep hostile input bounded.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest input accepted, in bytes.
    pub max_input_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_input_bytes: 64 << 20 }
    }
}

/// Extracts a report from bytes; `path` names the source in the report and in errors.
pub fn extract_bytes(bytes: &[u8], path: &str, limits: &Limits) -> Result<Report, ExtractError> {
    let _ = (bytes, limits);
    Err(ExtractError::Unreadable { path: path.into(), reason: "not implemented".into() })
}

/// Reads and extracts one file.
pub fn extract_file(path: &Path, limits: &Limits) -> Result<Report, ExtractError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| ExtractError::Io { path: name.clone(), source })?;
    extract_bytes(&bytes, &name, limits)
}
