#![deny(missing_docs)]
//! The canonical schema of nianbao: the two national templates as data (every canonical key of
//! `keys.tsv`), the report model that every reader produces and every writer consumes, the
//! consistency checks (勾稽关系), and the JSON/CSV/table renderings of one report.
//!
//! Everything else in the workspace depends on this crate and on nothing heavier: the extractor
//! fills a [`Report`], the dataset writer flattens it, the binary prints it.

pub mod check_cells;
pub mod checks;
pub mod render;
pub mod report;
pub mod template;

pub use check_cells::{cells_of_check, Rule};
pub use checks::run_checks;
pub use report::{Cell, Check, Meta, Number, Report, Source, Status};
pub use template::{all_keys, key_spec, KeySpec, RowSpec, Template, ValueKind};
