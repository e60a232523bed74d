//! Builds a document's blocks from reader events (text, line breaks, table/row/cell open and
//! close), so that the HTML and DOCX readers share one notion of cells, spans and nesting.
//!
//! A table that contains tables is a layout table: its cells become paragraphs and the tables
//! inside it become blocks of their own, all in reading order. Tables nested deeper than
//! [`ReadLimits::max_depth`] are read as text of the cell that holds them; every grid of a
//! document draws on one [`GridBudget`], and what the limits cut is reported as a warning.

mod grid;

pub use grid::{Cut, GridBudget, GridBuilder};

use crate::document::{Block, Document, ReadLimits};

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
            if self.grid.cut.is_some() && !self.has_nested {
                // The grid takes nothing more.
                return;
            }
            let text = if has_ascii_whitespace(&text) {
                tidy_cell(&text)
            } else {
                text
            };
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
pub struct Assembler {
    blocks: Vec<Block>,
    tables: Vec<OpenTable>,
    para: String,
    ignored_depth: usize,
    limits: ReadLimits,
    /// What the grids may still use while no table is open.
    budget: GridBudget,
    /// Whether a cell's text was cut at [`ReadLimits::max_cell_bytes`].
    cell_cut: bool,
    /// Whether tables nested too deep were read as text.
    too_deep: bool,
    /// Whether paragraphs were dropped at [`ReadLimits::max_paragraphs`].
    paragraphs_cut: bool,
    warnings: Vec<String>,
}

impl Default for Assembler {
    fn default() -> Self {
        Assembler::new(&ReadLimits::default())
    }
}

impl Assembler {
    /// An assembler whose tables stay within `limits`.
    pub fn new(limits: &ReadLimits) -> Self {
        Assembler {
            blocks: Vec::new(),
            tables: Vec::new(),
            para: String::new(),
            ignored_depth: 0,
            limits: limits.clone(),
            budget: GridBudget::new(limits),
            cell_cut: false,
            too_deep: false,
            paragraphs_cut: false,
            warnings: Vec::new(),
        }
    }

    /// How many blocks the document holds so far: the index the next block will take.
    pub fn blocks_len(&self) -> usize {
        self.blocks.len()
    }

    /// Appends text to the open cell, or to the open paragraph outside tables.
    pub fn text(&mut self, text: &str) {
        match self.tables.last_mut() {
            Some(t) => {
                if let Some((cell, _)) = t.cell.as_mut() {
                    if !push_capped(cell, text, self.limits.max_cell_bytes) {
                        self.cell_cut = true;
                    }
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
                    if !push_capped(cell, "\n", self.limits.max_cell_bytes) {
                        self.cell_cut = true;
                    }
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
            self.push_block(Block::Paragraph(String::new()));
        } else {
            self.line_break();
        }
    }

    fn flush_paragraph(&mut self) {
        if self.para.is_empty() {
            return;
        }
        let text = if has_ascii_whitespace(&self.para) {
            let text = collapse(&self.para);
            self.para.clear();
            text
        } else {
            std::mem::take(&mut self.para)
        };
        if !text.trim().is_empty() {
            self.push_block(Block::Paragraph(text));
        }
    }

    /// Adds a block to the document, unless it holds [`ReadLimits::max_paragraphs`] already.
    fn push_block(&mut self, block: Block) {
        if self.blocks.len() < self.limits.max_paragraphs {
            self.blocks.push(block);
        } else {
            self.paragraphs_cut = true;
        }
    }

    /// Adds blocks to the document, up to [`ReadLimits::max_paragraphs`] of them.
    fn push_blocks(&mut self, blocks: Vec<Block>) {
        for block in blocks {
            self.push_block(block);
        }
    }

    /// Opens a table.
    pub fn open_table(&mut self) {
        if self.ignored_depth > 0 || self.tables.len() >= self.limits.max_depth {
            self.too_deep = true;
            self.ignored_depth += 1;
            self.line_break();
            return;
        }
        self.flush_paragraph();
        // Only the innermost open table grows: the budget goes with it.
        let budget = match self.tables.last_mut() {
            Some(outer) => {
                std::mem::replace(&mut outer.grid.budget, GridBudget { cells: 0, bytes: 0 })
            }
            None => self.budget,
        };
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
        self.tables.push(OpenTable {
            grid: GridBuilder::new(&self.limits, budget),
            cell: None,
            has_nested: false,
            layout: Vec::new(),
        });
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
        self.note_limits(&t.grid);
        match self.tables.last_mut() {
            Some(outer) => {
                outer.grid.budget = t.grid.budget;
                outer.layout.extend(blocks);
            }
            None => {
                self.budget = t.grid.budget;
                self.push_blocks(blocks);
            }
        }
    }

    /// Warns, once per kind, of what the limits cut from a table.
    fn note_limits(&mut self, grid: &GridBuilder) {
        let l = &self.limits;
        let mut notes = Vec::new();
        match grid.cut {
            Some(Cut::Rows) => notes.push(format!(
                "a table has more than {} rows: the rest of it was not read",
                l.max_rows
            )),
            Some(Cut::Cells) => notes.push(format!(
                "the tables hold more than {} cells (spans expanded): the rest was not read",
                l.max_cells
            )),
            Some(Cut::Text) => notes.push(format!(
                "the tables hold more than {} bytes of text (spans expanded): the rest was not read",
                l.max_text_bytes
            )),
            None => {}
        }
        if grid.clamped > 0 {
            notes.push(format!(
                "a table has cell spans larger than the limits ({} columns, {} rows): they were clamped",
                l.max_colspan, l.max_rowspan
            ));
        }
        if grid.dropped > 0 && grid.cut.is_none() {
            notes.push(format!(
                "a table is wider than {} columns: the cells past it were dropped",
                l.max_columns
            ));
        }
        for note in notes {
            self.warn(note);
        }
    }

    fn warn(&mut self, note: String) {
        if !self.warnings.contains(&note) {
            self.warnings.push(note);
        }
    }

    /// Closes whatever is open and returns the document (without title or metadata).
    pub fn finish(mut self) -> Document {
        while !self.tables.is_empty() || self.ignored_depth > 0 {
            self.close_table();
        }
        self.flush_paragraph();
        if self.cell_cut {
            self.warn(format!(
                "a table cell is longer than {} bytes: the rest of it was not read",
                self.limits.max_cell_bytes
            ));
        }
        if self.paragraphs_cut {
            self.warn(format!(
                "the document has more than {} paragraphs: the rest was not read",
                self.limits.max_paragraphs
            ));
        }
        if self.too_deep {
            self.warn(format!(
                "tables nested deeper than {} levels were read as text",
                self.limits.max_depth
            ));
        }
        Document {
            blocks: self.blocks,
            warnings: self.warnings,
            ..Document::default()
        }
    }
}

/// Appends `text` to `cell` up to `max` bytes in all (at a character boundary); false when
/// something was cut.
fn push_capped(cell: &mut String, text: &str, max: usize) -> bool {
    if cell.len() + text.len() <= max {
        cell.push_str(text);
        return true;
    }
    let mut room = max.saturating_sub(cell.len());
    while !text.is_char_boundary(room) {
        room -= 1;
    }
    cell.push_str(&text[..room]);
    false
}

/// Collapses runs of ASCII whitespace to one space and trims (NBSP is kept: it is content).
pub fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_collapsed(&mut out, s);
    out
}

/// Appends `s` to `out` with runs of ASCII whitespace as one space, trimmed at both ends.
fn push_collapsed(out: &mut String, s: &str) {
    let start = out.len();
    for word in s.split_ascii_whitespace() {
        if out.len() > start {
            out.push(' ');
        }
        out.push_str(word);
    }
}

/// Whether `s` has any ASCII whitespace (space, tab, newline, carriage return, form feed).
fn has_ascii_whitespace(s: &str) -> bool {
    let b = s.as_bytes();
    memchr::memchr3(b' ', b'\t', b'\n', b).is_some() || memchr::memchr2(b'\r', 0x0C, b).is_some()
}

/// A cell's text: each line collapsed, empty lines dropped, lines joined with `\n`.
fn tidy_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for line in s.split('\n') {
        let before = out.len();
        if before > 0 {
            out.push('\n');
        }
        let start = out.len();
        push_collapsed(&mut out, line);
        if out.len() == start {
            out.truncate(before);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(out: &mut Assembler, cells: &[&str]) {
        out.open_table();
        out.start_row();
        for cell in cells {
            out.open_cell(CellSpan::New { cols: 1, rows: 1 });
            out.text(cell);
        }
        out.close_table();
    }

    #[test]
    fn one_budget_for_all_the_tables_of_a_document() {
        let limits = ReadLimits {
            max_cells: 5,
            ..ReadLimits::default()
        };
        let mut out = Assembler::new(&limits);
        table(&mut out, &["a", "b", "c"]);
        // A nested table draws on the same budget and hands back what it left.
        out.open_table();
        out.start_row();
        out.open_cell(CellSpan::New { cols: 1, rows: 1 });
        table(&mut out, &["d"]);
        out.close_table();
        table(&mut out, &["e", "f"]);
        let doc = out.finish();
        let widths: Vec<usize> = doc
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table(g) => Some(g.rows[0].len()),
                Block::Paragraph(_) => None,
            })
            .collect();
        assert_eq!(widths, vec![3, 1], "{:?}", doc.blocks);
        assert_eq!(
            doc.warnings,
            vec!["the tables hold more than 5 cells (spans expanded): the rest was not read"]
        );
    }

    #[test]
    fn long_cells_are_cut_at_a_character_boundary() {
        let limits = ReadLimits {
            max_cell_bytes: 7,
            ..ReadLimits::default()
        };
        let mut out = Assembler::new(&limits);
        table(&mut out, &["一二三四"]);
        let doc = out.finish();
        let Block::Table(g) = &doc.blocks[0] else {
            panic!("{:?}", doc.blocks)
        };
        assert_eq!(g.rows[0][0].text, "一二");
        assert_eq!(
            doc.warnings,
            vec!["a table cell is longer than 7 bytes: the rest of it was not read"]
        );
    }
}
