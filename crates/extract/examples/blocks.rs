//! Prints what the reader makes of a document, for looking into a layout (not a test): its
//! blocks (a table as its rows, cells between `|`, a paragraph as a line), then the report's
//! cells that are not plain values (missing, ambiguous, dash…) and its warnings.
//!
//!     cargo run --release -p nianbao-extract --example blocks FILE

use nianbao_extract::{extract_bytes, read_file, read_named, Block, Limits};
use nianbao_schema::Status;

fn main() {
    let path = std::env::args().nth(1).expect("usage: blocks FILE");
    let limits = Limits::default();
    let bytes = read_file(path.as_ref(), limits.max_input_bytes).expect("read");
    let read = read_named(&bytes, &path, &limits).expect("a document");
    for block in &read.document.blocks {
        match block {
            Block::Paragraph(text) => println!("{text}"),
            Block::Table(grid) => {
                println!("== table");
                for row in &grid.rows {
                    let cells: Vec<&str> = row.iter().map(|c| c.text.as_str()).collect();
                    println!("| {} |", cells.join(" | ").replace('\n', " "));
                }
                println!("== end");
            }
        }
    }
    let report = extract_bytes(&bytes, &path, &limits).expect("a report");
    println!("== cells not plain values");
    for cell in report
        .cells
        .iter()
        .filter(|c| !matches!(c.status, Status::Number | Status::Blank))
    {
        println!(
            "{} {:?} {:?} {:?}",
            cell.key, cell.status, cell.raw, cell.candidates
        );
    }
    println!("== warnings");
    for warning in &report.warnings {
        println!("{warning}");
    }
}
