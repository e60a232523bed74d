//! Builds a document's blocks from reader events (text, line breaks, table/row/cell open and
//! close), so that the HTML and DOCX readers share one notion of cells, spans and nesting.
//!
//! A table that contains tables is a layout table: its cells become paragraphs and the tables
//! inside it become blocks of their own, all in reading order. Tables nested deeper than
//! [`MAX_TABLE_DEPTH`] are read as text of the cell that holds them.

use crate::document::{Block, GridBuilder};

/// The deepest table nesting followed.
pub const MAX_TABLE_DEPTH: usize = 32;

/// How a cell joins the grid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CellSpan {
    /// A new cell covering `cols` × `rows` positions.
    New {
        /// Columns covered.
        cols: usize,
        /// Rows covered.
        rows: usize,
    },
    /// The continuation of the cell above (DOCX `vMerge` continue), `cols` wide.
    ContinueAbove {
        /// Columns covered.
        cols: usize,
    },
}

#[derive(Default)]
struct OpenTable {
    grid: GridBuilder,
    cell: Option<(String, CellSpan)>,
    has_nested: bool,
    /// Paragraphs and nested tables in reading order, for when it is a layout table.
    layout: Vec<Block>,
}

impl OpenTable {
    fn close_cell(&mut self) {
        if let Some((text, span)) = self.cell.take() {
            let text = tidy_cell(&text);
            // Cells are kept as paragraphs only once the table is known to hold tables; the
            // cells before that are recovered from the grid.
            if self.has_nested {
                push_lines(&mut self.layout, &text);
            }
            match span {
                CellSpan::New { cols, rows } => self.grid.push_cell(text, cols, rows),
                CellSpan::ContinueAbove { cols } => self.grid.continue_above(cols),
            }
        }
    }
}

fn lines(text: &str) -> Vec<Block> {
    text.split('\n')
        .filter(|l| !l.trim().is_empty())
        .map(|l| Block::Paragraph(l.to_string()))
        .collect()
}

fn push_lines(out: &mut Vec<Block>, text: &str) {
    out.extend(lines(text));
}

/// Turns reader events into blocks.
#[derive(Default)]
pub struct Assembler {
    blocks: Vec<Block>,
    tables: Vec<OpenTable>,
    para: String,
    ignored_depth: usize,
}

impl Assembler {
    /// Appends text to the open cell, or to the open paragraph outside tables.
    pub fn text(&mut self, text: &str) {
        match self.tables.last_mut() {
            Some(t) => {
                if let Some((cell, _)) = t.cell.as_mut() {
                    cell.push_str(text);
                }
                // Text between cells is dropped, as browsers move it out of the table.
            }
            None => self.para.push_str(text),
        }
    }

    /// Ends a line: a paragraph outside tables, a line inside a cell.
    pub fn line_break(&mut self) {
        match self.tables.last_mut() {
            Some(t) => {
                if let Some((cell, _)) = t.cell.as_mut() {
                    cell.push('\n');
                }
            }
            None => self.flush_paragraph(),
        }
    }

    /// Ends a paragraph that must be kept even when blank (in flattened forms a blank
    /// paragraph stands for a blank cell). Inside a table it is a line break.
    pub fn end_paragraph_keep_blank(&mut self) {
        if self.tables.is_empty() && self.para.trim().is_empty() {
            self.para.clear();
            self.blocks.push(Block::Paragraph(String::new()));
        } else {
            self.line_break();
        }
    }

    fn flush_paragraph(&mut self) {
        let text = collapse(&self.para);
        self.para.clear();
        if !text.trim().is_empty() {
            self.blocks.push(Block::Paragraph(text));
        }
    }

    /// Opens a table.
    pub fn open_table(&mut self) {
        if self.ignored_depth > 0 || self.tables.len() >= MAX_TABLE_DEPTH {
            self.ignored_depth += 1;
            self.line_break();
            return;
        }
        self.flush_paragraph();
        if let Some(outer) = self.tables.last_mut() {
            if !outer.has_nested {
                outer.has_nested = true;
                outer.layout = outer.grid.origin_texts().flat_map(|t| lines(&t)).collect();
            }
            if let Some((text, _)) = outer.cell.as_mut() {
                let before = tidy_cell(&std::mem::take(text));
                push_lines(&mut outer.layout, &before);
            }
        }
        self.tables.push(OpenTable::default());
    }

    /// Starts a row of the innermost table.
    pub fn start_row(&mut self) {
        if self.ignored_depth > 0 {
            return;
        }
        if let Some(t) = self.tables.last_mut() {
            t.close_cell();
            t.grid.start_row();
        }
    }

    /// Opens a cell of the innermost table (closing an open one).
    pub fn open_cell(&mut self, span: CellSpan) {
        if self.ignored_depth > 0 {
            self.line_break();
            return;
        }
        match self.tables.last_mut() {
            Some(t) => {
                t.close_cell();
                if !t.grid.has_rows() {
                    t.grid.start_row();
                }
                t.cell = Some((String::new(), span));
            }
            None => self.line_break(),
        }
    }

    /// Leaves `n` empty positions in the current row (DOCX `gridBefore`/`gridAfter`).
    pub fn skip_cells(&mut self, n: usize) {
        if self.ignored_depth == 0 {
            if let Some(t) = self.tables.last_mut() {
                t.close_cell();
                t.grid.skip(n);
            }
        }
    }

    /// Closes the open cell of the innermost table.
    pub fn close_cell(&mut self) {
        if self.ignored_depth > 0 {
            return;
        }
        if let Some(t) = self.tables.last_mut() {
            t.close_cell();
        }
    }

    /// Closes the innermost table.
    pub fn close_table(&mut self) {
        if self.ignored_depth > 0 {
            self.ignored_depth -= 1;
            self.line_break();
            return;
        }
        let Some(mut t) = self.tables.pop() else {
            return;
        };
        t.close_cell();
        let blocks = if t.has_nested {
            t.layout
        } else {
            let grid = t.grid.finish();
            if grid.rows.is_empty() {
                Vec::new()
            } else {
                vec![Block::Table(grid)]
            }
        };
        match self.tables.last_mut() {
            Some(outer) => outer.layout.extend(blocks),
            None => self.blocks.extend(blocks),
        }
    }

    /// Closes whatever is open and returns the blocks.
    pub fn finish(mut self) -> Vec<Block> {
        while !self.tables.is_empty() || self.ignored_depth > 0 {
            self.close_table();
        }
        self.flush_paragraph();
        self.blocks
    }
}

/// Collapses runs of ASCII whitespace to one space and trims (NBSP is kept: it is content).
pub fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_ascii_whitespace() {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

/// A cell's text: each line collapsed, empty lines dropped, lines joined with `\n`.
fn tidy_cell(s: &str) -> String {
    s.split('\n')
        .map(collapse)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}
