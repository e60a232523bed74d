//! The grid builder: cells given row by row with their spans (as HTML and DOCX describe
//! tables) become a rectangular [`Grid`], within the document's [`ReadLimits`] and a budget of
//! positions and text shared by all the tables of a document.

use crate::document::{Grid, GridCell, ReadLimits};

/// What is left of a document's [`ReadLimits::max_cells`] and [`ReadLimits::max_text_bytes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GridBudget {
    /// Grid positions left.
    pub cells: usize,
    /// Bytes of cell text left.
    pub bytes: usize,
}

impl GridBudget {
    /// The whole budget of a document.
    pub fn new(limits: &ReadLimits) -> Self {
        GridBudget {
            cells: limits.max_cells,
            bytes: limits.max_text_bytes,
        }
    }

    /// Takes `cells` positions holding `bytes` bytes of text, if both fit.
    fn take(&mut self, cells: usize, bytes: usize) -> Result<(), Cut> {
        if cells > self.cells {
            return Err(Cut::Cells);
        }
        if bytes > self.bytes {
            return Err(Cut::Text);
        }
        self.cells -= cells;
        self.bytes -= bytes;
        Ok(())
    }
}

/// Why a table stopped growing before its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// [`ReadLimits::max_rows`] was reached.
    Rows,
    /// The document's [`ReadLimits::max_cells`] ran out.
    Cells,
    /// The document's [`ReadLimits::max_text_bytes`] ran out.
    Text,
}

/// A row span still covering later rows: (first column, width, rows left, origin, text).
type PendingSpan = (usize, usize, usize, (usize, usize), String);

/// Builds a [`Grid`] from cells given row by row with their spans, the way HTML and DOCX tables
/// describe them, within [`ReadLimits`]: once a limit is reached the rest of the table is
/// ignored and [`GridBuilder::cut`] says why.
#[derive(Debug)]
pub struct GridBuilder {
    rows: Vec<Vec<Option<GridCell>>>,
    /// Row spans still covering later rows.
    pending: Vec<PendingSpan>,
    /// The first position of the current row that may be free (positions only ever fill).
    cursor: usize,
    limits: ReadLimits,
    /// What this table may still use; handed to a nested table while it is open.
    pub budget: GridBudget,
    /// Number of cells dropped because the grid grew too wide.
    pub dropped: usize,
    /// Number of spans larger than the limits, clamped.
    pub clamped: usize,
    /// Why the table was cut short, if it was.
    pub cut: Option<Cut>,
}

impl Default for GridBuilder {
    fn default() -> Self {
        let limits = ReadLimits::default();
        GridBuilder::new(&limits, GridBudget::new(&limits))
    }
}

impl GridBuilder {
    /// A builder within `limits`, spending `budget`.
    pub fn new(limits: &ReadLimits, budget: GridBudget) -> Self {
        GridBuilder {
            rows: Vec::new(),
            pending: Vec::new(),
            cursor: 0,
            limits: limits.clone(),
            budget,
            dropped: 0,
            clamped: 0,
            cut: None,
        }
    }

    /// Starts a new row.
    pub fn start_row(&mut self) {
        if self.cut.is_some() {
            return;
        }
        if self.rows.len() >= self.limits.max_rows {
            self.cut = Some(Cut::Rows);
            return;
        }
        let mut row: Vec<Option<GridCell>> = Vec::new();
        for (col, width, left, origin, text) in self.pending.iter_mut() {
            if *left == 0 {
                continue;
            }
            if let Err(cut) = self.budget.take(*width, *width * text.len()) {
                self.cut = Some(cut);
                break;
            }
            if row.len() < *col + *width {
                row.resize(*col + *width, None);
            }
            for slot in &mut row[*col..*col + *width] {
                *slot = Some(GridCell {
                    text: text.clone(),
                    origin: *origin,
                    filler: false,
                    confidence: None,
                });
            }
            *left -= 1;
        }
        self.pending.retain(|p| p.2 > 0);
        self.rows.push(row);
        self.cursor = 0;
    }

    /// Whether a row has been started.
    pub fn has_rows(&self) -> bool {
        !self.rows.is_empty()
    }

    /// The first free position of the current row.
    fn first_free(&mut self) -> usize {
        let row = &self.rows[self.rows.len() - 1];
        while self.cursor < row.len() && row[self.cursor].is_some() {
            self.cursor += 1;
        }
        self.cursor
    }

    /// A span clamped to `1..=max`, counted when it had to be.
    fn clamp_span(&mut self, span: usize, max: usize) -> usize {
        if span > max {
            self.clamped += 1;
        }
        span.clamp(1, max)
    }

    /// Adds a cell to the current row (starting one if none) at its first free position,
    /// skipping positions covered by row spans from above.
    pub fn push_cell(&mut self, text: String, colspan: usize, rowspan: usize) {
        if self.rows.is_empty() {
            self.start_row();
        }
        if self.cut.is_some() {
            self.dropped += 1;
            return;
        }
        let r = self.rows.len() - 1;
        let colspan = self.clamp_span(colspan, self.limits.max_colspan);
        let rowspan = self.clamp_span(rowspan, self.limits.max_rowspan);
        let c = self.first_free();
        if c + colspan > self.limits.max_columns {
            self.dropped += 1;
            return;
        }
        let row = &mut self.rows[r];
        // A cell may not overlap a position already taken by a row span: stop at it.
        let width = (c..c + colspan)
            .take_while(|&i| row.get(i).is_none_or(Option::is_none))
            .count()
            .max(1);
        if let Err(cut) = self.budget.take(width, width * text.len()) {
            self.cut = Some(cut);
            self.dropped += 1;
            return;
        }
        if row.len() < c + width {
            row.resize(c + width, None);
        }
        if rowspan > 1 {
            self.pending
                .push((c, width, rowspan - 1, (r, c), text.clone()));
        }
        // Every covered position holds the text; the last takes it.
        let (last, rest) = row[c..c + width]
            .split_last_mut()
            .expect("a cell is at least one position wide");
        for slot in rest {
            *slot = Some(GridCell {
                text: text.clone(),
                origin: (r, c),
                filler: false,
                confidence: None,
            });
        }
        *last = Some(GridCell {
            text,
            origin: (r, c),
            filler: false,
            confidence: None,
        });
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
        for _ in 0..n.min(self.limits.max_columns) {
            self.push_cell(String::new(), 1, 1);
        }
    }

    /// Marks the position under the last cell of the previous row at `col` as continuing it
    /// (DOCX `vMerge` continue): the cell covers one more row.
    pub fn continue_above(&mut self, colspan: usize) {
        if self.rows.len() < 2 || self.cut.is_some() {
            self.push_cell(String::new(), colspan, 1);
            return;
        }
        let r = self.rows.len() - 1;
        let c = self.first_free();
        let above = self.rows[r - 1].get(c).cloned().flatten();
        match above {
            Some(cell) => {
                let colspan = self.clamp_span(colspan, self.limits.max_colspan);
                if c + colspan > self.limits.max_columns {
                    self.dropped += 1;
                    return;
                }
                if let Err(cut) = self.budget.take(colspan, colspan * cell.text.len()) {
                    self.cut = Some(cut);
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
    /// Padding counts against the budget too: rows it does not fit are dropped.
    pub fn finish(&mut self) -> Grid {
        let width = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let mut kept = 0;
        for row in self.rows.iter().filter(|row| !row.is_empty()) {
            if let Err(cut) = self.budget.take(width - row.len(), 0) {
                self.cut = Some(cut);
                break;
            }
            kept += 1;
        }
        // Empty rows are dropped, so origins are renumbered: the new row of each old row.
        let old_rows = std::mem::take(&mut self.rows);
        let mut new_row = vec![usize::MAX; old_rows.len()];
        let mut rows: Vec<Vec<GridCell>> = Vec::with_capacity(kept);
        for (r, mut row) in old_rows
            .into_iter()
            .enumerate()
            .filter(|(_, row)| !row.is_empty())
            .take(kept)
        {
            new_row[r] = rows.len();
            row.resize(width, None);
            rows.push(
                row.into_iter()
                    .enumerate()
                    .map(|(c, cell)| {
                        cell.unwrap_or(GridCell {
                            text: String::new(),
                            origin: (r, c),
                            filler: true,
                            confidence: None,
                        })
                    })
                    .collect(),
            );
        }
        for cell in rows.iter_mut().flatten() {
            if let Some(&r) = new_row.get(cell.origin.0).filter(|&&r| r != usize::MAX) {
                cell.origin.0 = r;
            }
        }
        Grid { rows }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::MAX_COLSPAN;

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
        assert_eq!(g.texts(), vec![vec!["A", "B", "B"], vec!["A", "C", "D"]]);
        assert_eq!(g.rows[1][0].origin, (0, 0));
        assert!(!g.is_origin(0, 2));
        assert!(g.is_origin(1, 2));
    }

    #[test]
    fn empty_rows_are_dropped_and_origins_renumbered() {
        let mut b = GridBuilder::default();
        b.start_row();
        b.start_row();
        b.push_cell("A".into(), 1, 2);
        b.push_cell("B".into(), 1, 1);
        b.start_row();
        b.push_cell("C".into(), 1, 1);
        let g = b.finish();
        assert_eq!(g.texts(), vec![vec!["A", "B"], vec!["A", "C"]]);
        assert_eq!(g.rows[1][0].origin, (0, 0));
        assert_eq!(g.rows[1][1].origin, (1, 1));
        assert!(g.is_origin(0, 0) && !g.is_origin(1, 0));
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

    #[test]
    fn limits_cut_rows_cells_text_and_padding() {
        let limits = ReadLimits {
            max_rows: 3,
            ..ReadLimits::default()
        };
        let mut b = GridBuilder::new(&limits, GridBudget::new(&limits));
        for r in 0..5 {
            b.start_row();
            b.push_cell(r.to_string(), 1, 1);
        }
        assert_eq!(b.cut, Some(Cut::Rows));
        assert_eq!(b.finish().texts(), vec![vec!["0"], vec!["1"], vec!["2"]]);

        let limits = ReadLimits {
            max_cells: 10,
            ..ReadLimits::default()
        };
        let mut b = GridBuilder::new(&limits, GridBudget::new(&limits));
        b.start_row();
        b.push_cell("wide".into(), 8, 1);
        for text in ["a", "b"] {
            b.start_row();
            b.push_cell(text.into(), 1, 1);
        }
        assert_eq!(b.cut, None);
        // Padding the short rows to 8 columns does not fit in what is left.
        assert_eq!(b.finish().rows.len(), 1);
        assert_eq!(b.cut, Some(Cut::Cells));

        let limits = ReadLimits {
            max_text_bytes: 10,
            ..ReadLimits::default()
        };
        let mut b = GridBuilder::new(&limits, GridBudget::new(&limits));
        b.push_cell("abcd".into(), 2, 1);
        b.push_cell("abc".into(), 1, 1);
        assert_eq!((b.cut, b.dropped), (Some(Cut::Text), 1));
        assert_eq!(b.budget.bytes, 2);
    }
}
