//! The document model every reader produces: paragraphs and tables in reading order, each table a
//! rectangular grid with row and column spans expanded (a covered position keeps the origin of the
//! cell that covers it).

/// A decoded document.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Document {
    /// The title the container declares (`<title>`, a `ArticleTitle` meta, a first heading).
    pub title: Option<String>,
    /// Named metadata the container declares (`PubDate`, `ContentSource`, `发布时间`, …).
    pub meta: Vec<(String, String)>,
    /// Paragraphs and tables in reading order.
    pub blocks: Vec<Block>,
    /// Images the document shows (`<img>`, DOCX drawings): a table printed as a picture is
    /// not read.
    pub images: usize,
    /// What the reader met that a person should know: limits hit, content cut.
    pub warnings: Vec<String>,
    /// Where the words stand in a text laid out in lines (`pdftotext -layout`); `None` for
    /// other documents.
    pub layout: Option<TextLayout>,
}

/// Where the words of a text laid out in lines stand: their character columns on their lines,
/// and their pages (form feeds). A row that printed no blank cells is placed by it under the
/// column headers above it (see `crate::columns`).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct TextLayout {
    /// The lines short enough to be labels or column headers that print no row, in order.
    pub lines: Vec<PlacedLine>,
    /// The rows printed as lines, each read as a one-row table: their values' places.
    pub rows: Vec<PlacedRow>,
}

/// A line of a text laid out in lines and the words on it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedLine {
    /// The page (form feeds before it), from 0.
    pub page: usize,
    /// The line's number in the text, from 0.
    pub line: usize,
    /// Its words (runs of non-whitespace), left to right.
    pub words: Vec<PlacedWord>,
}

/// A row printed as a line, read as a one-row table.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedRow {
    /// The index of its table in [`Document::blocks`].
    pub block: usize,
    /// The line it was printed on (its values' line).
    pub at: PlacedLine,
}

/// A word and the character columns `from..to` it takes on its line.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedWord {
    /// The word.
    pub text: String,
    /// The column of its first character, from 0.
    pub from: usize,
    /// The column after its last character.
    pub to: usize,
}

/// A paragraph or a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A paragraph (or a line of a text document). Empty or blank text is kept: in flattened
    /// forms a blank line stands for a blank table cell.
    Paragraph(String),
    /// A table.
    Table(Grid),
}

/// A table with spans expanded.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Grid {
    /// Rows of cells; every row has the same length.
    pub rows: Vec<Vec<GridCell>>,
}

/// One position of a grid.
#[derive(Debug, Clone, PartialEq)]
pub struct GridCell {
    /// The text of the cell that covers this position (paragraphs joined with `\n`).
    pub text: String,
    /// Row and column of the cell's top-left position; equal to this position at the origin.
    pub origin: (usize, usize),
    /// Whether the position was added only to square the grid (no cell of the source is there).
    pub filler: bool,
    /// How sure the recognition of a scanned cell was, 0 to 1; `None` for text a document
    /// holds as text.
    pub confidence: Option<f32>,
}

impl Grid {
    /// The text at every position, row by row (a spanned cell's text at each position it covers).
    pub fn texts(&self) -> Vec<Vec<&str>> {
        self.rows
            .iter()
            .map(|r| r.iter().map(|c| c.text.as_str()).collect())
            .collect()
    }

    /// Whether the position is the top-left position of a cell of the source.
    pub fn is_origin(&self, row: usize, col: usize) -> bool {
        let cell = &self.rows[row][col];
        cell.origin == (row, col) && !cell.filler
    }
}

/// The largest column span honoured (HTML clamps colspan to 1000 too).
pub const MAX_COLSPAN: usize = 1000;
/// The largest row span honoured.
pub const MAX_ROWSPAN: usize = 65_534;
/// The widest grid built; cells past it are dropped.
pub const MAX_COLUMNS: usize = 2_000;
/// Deepest table nesting followed by default; deeper tables are read as text.
pub const MAX_TABLE_DEPTH: usize = 32;

/// Limits on what a reader builds, so that endless documents, spans, huge tables and huge
/// cells stay bounded in time and memory. What a limit cuts is reported as a warning.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadLimits {
    /// Blocks (paragraphs and tables; lines of a text document) of one document; the rest is
    /// not read.
    pub max_paragraphs: usize,
    /// Grid positions (spans expanded, padding included) over all the tables of a document.
    pub max_cells: usize,
    /// Bytes of cell text held by the grids of a document, a spanned cell's text counted at
    /// every position it covers.
    pub max_text_bytes: usize,
    /// Rows of one table.
    pub max_rows: usize,
    /// Columns of one table; cells past it are dropped.
    pub max_columns: usize,
    /// Largest column span honoured; larger spans are clamped.
    pub max_colspan: usize,
    /// Largest row span honoured; larger spans are clamped.
    pub max_rowspan: usize,
    /// Longest text of one cell, in bytes; the rest of the cell is dropped.
    pub max_cell_bytes: usize,
    /// Deepest table nesting followed; deeper tables are read as text of the cell holding them.
    pub max_depth: usize,
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            max_paragraphs: 500_000,
            max_cells: 1_000_000,
            max_text_bytes: 128 << 20,
            max_rows: 100_000,
            max_columns: MAX_COLUMNS,
            max_colspan: MAX_COLSPAN,
            max_rowspan: MAX_ROWSPAN,
            max_cell_bytes: 1 << 20,
            max_depth: MAX_TABLE_DEPTH,
        }
    }
}
