//! Zip packages of XML parts (DOCX, OFD), opened and inflated within limits that stop zip
//! bombs.
//!
//! 1. Before the zip reader allocates one record per entry, the central directory headers
//!    are counted in the bytes; more than [`PackageLimits::max_entries`] is refused.
//! 2. A part is looked up by name; its declared size is checked against the per-part limit and
//!    the bytes left of the package's total budget, and its declared compression ratio against
//!    [`PackageLimits::max_ratio`] (parts under 1 MiB are not ratio-checked: small XML
//!    compresses well).
//! 3. The declared size may lie: the inflation itself stops at the size and ratio limits, and
//!    what was inflated is charged against the total.

use std::io::{Cursor, Read};

use super::ReadError;

/// Limits on a zip package.
#[derive(Debug, Clone, Copy)]
pub(super) struct PackageLimits {
    /// Most entries in the zip.
    pub max_entries: usize,
    /// Largest inflated part.
    pub max_part_bytes: u64,
    /// Most bytes all the parts read may inflate to, together.
    pub max_total_bytes: u64,
    /// Largest inflated/compressed ratio of a part.
    pub max_ratio: u64,
}

/// Parts smaller than this are not checked for their compression ratio (small XML compresses
/// well).
const MIN_RATIO_CHECKED: u64 = 1 << 20;

/// An open zip package: its parts are read through [`Package::part`].
pub(super) struct Package<'b> {
    zip: zip::ZipArchive<Cursor<&'b [u8]>>,
    /// The format's name for messages (`DOCX`, `OFD`).
    what: &'static str,
    limits: PackageLimits,
    /// Bytes of the total budget not yet inflated.
    left: u64,
}

impl<'b> Package<'b> {
    /// Opens the zip `bytes` of a `what` (`DOCX`, `OFD`) within `limits`.
    pub(super) fn open(
        bytes: &'b [u8],
        what: &'static str,
        limits: PackageLimits,
    ) -> Result<Self, ReadError> {
        let too_many = |entries: usize| {
            ReadError::OverLimit(format!(
                "{what} has {entries} zip entries, more than the limit {}",
                limits.max_entries
            ))
        };
        // Every entry has a central directory header: count them before the zip reader
        // allocates one record per entry.
        let headers = memchr::memmem::find_iter(bytes, b"PK\x01\x02").count();
        if headers > limits.max_entries {
            return Err(too_many(headers));
        }
        let zip = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| ReadError::Broken(format!("not a readable {what} (zip): {e}")))?;
        if zip.len() > limits.max_entries {
            return Err(too_many(zip.len()));
        }
        Ok(Package {
            zip,
            what,
            limits,
            left: limits.max_total_bytes,
        })
    }

    /// Whether an entry's name satisfies `test`.
    pub(super) fn any_entry(&self, test: impl Fn(&str) -> bool) -> bool {
        self.zip.file_names().any(test)
    }

    /// The inflated bytes of the part `name`, `None` when the zip has no such entry.
    pub(super) fn part(&mut self, name: &str) -> Result<Option<Vec<u8>>, ReadError> {
        let what = self.what;
        let limits = self.limits;
        let file = match self.zip.by_name(name) {
            Ok(file) => file,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(e) => {
                return Err(ReadError::Broken(format!(
                    "{what} {name} cannot be read: {e}"
                )))
            }
        };
        let (size, packed) = (file.size(), file.compressed_size().max(1));
        let limit = limits.max_part_bytes.min(self.left);
        let over = |past: &str| {
            ReadError::OverLimit(if limit == limits.max_part_bytes {
                format!(
                    "{name} inflates {past} the limit {} bytes",
                    limits.max_part_bytes
                )
            } else {
                format!(
                    "{what}'s parts inflate {past} the limit {} bytes in all",
                    limits.max_total_bytes
                )
            })
        };
        if size > limit {
            return Err(over(&format!("to {size} bytes, more than")));
        }
        let bomb = |ratio: u64| {
            ReadError::OverLimit(format!(
                "{name} has compression ratio {ratio}:1 (zip bomb?)"
            ))
        };
        if size / packed > limits.max_ratio && size > MIN_RATIO_CHECKED {
            return Err(bomb(size / packed));
        }
        // The declared size may lie: the inflation itself stops at the size and ratio limits.
        let by_ratio = packed
            .saturating_mul(limits.max_ratio)
            .max(MIN_RATIO_CHECKED);
        let cap = limit.min(by_ratio);
        let mut xml = Vec::with_capacity(size.min(cap) as usize);
        file.take(cap + 1)
            .read_to_end(&mut xml)
            .map_err(|e| ReadError::Broken(format!("{what} {name} cannot be inflated: {e}")))?;
        if xml.len() as u64 > cap {
            return Err(if cap == limit {
                over("past")
            } else {
                bomb(xml.len() as u64 / packed)
            });
        }
        self.left -= xml.len() as u64;
        Ok(Some(xml))
    }
}
