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
}

impl Grid {
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

/// Builds a [`Grid`] from cells given row by row with their spans, the way HTML and DOCX tables
/// describe them.
#[derive(Debug, Default)]
pub struct GridBuilder {
    rows: Vec<Vec<Option<GridCell>>>,
    /// Row spans still covering later rows: (first column, width, rows left, origin, text).
    pending: Vec<(usize, usize, usize, (usize, usize), String)>,
    /// Number of cells dropped because the grid grew too wide.
    pub dropped: usize,
}

impl GridBuilder {
    /// Starts a new row.
    pub fn start_row(&mut self) {
        let mut row: Vec<Option<GridCell>> = Vec::new();
        for (col, width, left, origin, text) in self.pending.iter_mut() {
            if *left == 0 {
                continue;
            }
            if row.len() < *col + *width {
                row.resize(*col + *width, None);
            }
            for slot in &mut row[*col..*col + *width] {
                *slot = Some(GridCell {
                    text: text.clone(),
                    origin: *origin,
                    filler: false,
                });
            }
            *left -= 1;
        }
        self.pending.retain(|p| p.2 > 0);
        self.rows.push(row);
    }

    /// Whether a row has been started.
    pub fn has_rows(&self) -> bool {
        !self.rows.is_empty()
    }

    /// Adds a cell to the current row (starting one if none) at its first free position,
    /// skipping positions covered by row spans from above.
    pub fn push_cell(&mut self, text: String, colspan: usize, rowspan: usize) {
        if self.rows.is_empty() {
            self.start_row();
        }
        let r = self.rows.len() - 1;
        let colspan = colspan.clamp(1, MAX_COLSPAN);
        let rowspan = rowspan.clamp(1, MAX_ROWSPAN);
        let row = &mut self.rows[r];
        let c = row.iter().position(Option::is_none).unwrap_or(row.len());
        if c + colspan > MAX_COLUMNS {
            self.dropped += 1;
            return;
        }
        if row.len() < c + colspan {
            row.resize(c + colspan, None);
        }
        // A cell may not overlap a position already taken by a row span: stop at it.
        let width = (c..c + colspan)
            .take_while(|&i| row[i].is_none())
            .count()
            .max(1);
        for slot in &mut row[c..c + width] {
            *slot = Some(GridCell {
                text: text.clone(),
                origin: (r, c),
                filler: false,
            });
        }
        if rowspan > 1 {
            self.pending.push((c, width, rowspan - 1, (r, c), text));
        }
    }

    /// The texts of the cells placed so far, each once, in reading order.
    pub fn origin_texts(&self) -> impl Iterator<Item = String> + '_ {
        self.rows.iter().enumerate().flat_map(move |(r, row)| {
            row.iter().enumerate().filter_map(move |(c, cell)| {
                cell.as_ref()
                    .filter(|cell| cell.origin == (r, c))
                    .map(|cell| cell.text.clone())
            })
        })
    }

    /// Leaves `n` empty positions in the current row (DOCX `gridBefore`/`gridAfter`).
    pub fn skip(&mut self, n: usize) {
        for _ in 0..n.min(MAX_COLUMNS) {
            self.push_cell(String::new(), 1, 1);
        }
    }

    /// Marks the position under the last cell of the previous row at `col` as continuing it
    /// (DOCX `vMerge` continue): the cell covers one more row.
    pub fn continue_above(&mut self, colspan: usize) {
        if self.rows.len() < 2 {
            self.push_cell(String::new(), colspan, 1);
            return;
        }
        let r = self.rows.len() - 1;
        let c = self.rows[r]
            .iter()
            .position(Option::is_none)
            .unwrap_or(self.rows[r].len());
        let above = self.rows[r - 1].get(c).cloned().flatten();
        match above {
            Some(cell) => {
                let colspan = colspan.clamp(1, MAX_COLSPAN);
                if c + colspan > MAX_COLUMNS {
                    self.dropped += 1;
                    return;
                }
                let row = &mut self.rows[r];
                if row.len() < c + colspan {
                    row.resize(c + colspan, None);
                }
                for slot in &mut row[c..c + colspan] {
                    *slot = Some(cell.clone());
                }
            }
            None => self.push_cell(String::new(), colspan, 1),
        }
    }

    /// Finishes the grid: rows padded to one width, holes filled with empty cells of their own.
    pub fn finish(self) -> Grid {
        let width = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let rows = self
            .rows
            .into_iter()
            .enumerate()
            .filter(|(_, row)| !row.is_empty())
            .map(|(r, mut row)| {
                row.resize(width, None);
                row.into_iter()
                    .enumerate()
                    .map(|(c, cell)| {
                        cell.unwrap_or(GridCell {
                            text: String::new(),
                            origin: (r, c),
                            filler: true,
                        })
                    })
                    .collect()
            })
            .collect::<Vec<Vec<GridCell>>>();
        // Origins refer to row numbers before empty rows were dropped; renumber them.
        renumber(rows)
    }
}

fn renumber(rows: Vec<Vec<GridCell>>) -> Grid {
    let mut map = std::collections::HashMap::new();
    for (new_r, row) in rows.iter().enumerate() {
        for cell in row {
            if cell.origin.0 >= new_r {
                map.entry(cell.origin.0).or_insert(new_r);
            }
        }
    }
    let rows = rows
        .into_iter()
        .map(|row| {
            row.into_iter()
                .map(|mut cell| {
                    if let Some(&r) = map.get(&cell.origin.0) {
                        cell.origin.0 = r;
                    }
                    cell
                })
                .collect()
        })
        .collect();
    Grid { rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(g: &Grid) -> Vec<Vec<&str>> {
        g.rows
            .iter()
            .map(|r| r.iter().map(|c| c.text.as_str()).collect())
            .collect()
    }

    #[test]
    fn rowspan_and_colspan_expand_with_origins() {
        let mut b = GridBuilder::default();
        b.start_row();
        b.push_cell("A".into(), 1, 2);
        b.push_cell("B".into(), 2, 1);
        b.start_row();
        b.push_cell("C".into(), 1, 1);
        b.push_cell("D".into(), 1, 1);
        let g = b.finish();
        assert_eq!(texts(&g), vec![vec!["A", "B", "B"], vec!["A", "C", "D"]]);
        assert_eq!(g.rows[1][0].origin, (0, 0));
        assert!(!g.is_origin(0, 2));
        assert!(g.is_origin(1, 2));
    }

    #[test]
    fn huge_spans_are_clamped_not_allocated() {
        let mut b = GridBuilder::default();
        b.start_row();
        b.push_cell("x".into(), 1_000_000, 100_000);
        b.start_row();
        b.push_cell("y".into(), 1, 1);
        let g = b.finish();
        assert_eq!(g.rows.len(), 2);
        assert_eq!(g.rows[0].len(), MAX_COLSPAN + 1);
        assert_eq!(g.rows[1][MAX_COLSPAN].text, "y");
    }

    #[test]
    fn vmerge_continue_copies_the_cell_above() {
        let mut b = GridBuilder::default();
        b.start_row();
        b.push_cell("三、本年度办理结果".into(), 1, 1);
        b.push_cell("1".into(), 1, 1);
        b.start_row();
        b.continue_above(1);
        b.push_cell("2".into(), 1, 1);
        let g = b.finish();
        assert_eq!(g.rows[1][0].origin, (0, 0));
        assert_eq!(g.rows[1][1].text, "2");
    }
}
