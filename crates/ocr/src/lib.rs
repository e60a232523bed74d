//! nianbao-ocr: reads the ruled tables of a scanned page. A grayscale page image becomes
//! [`Page`]: its tables as rows of cells (text, confidence, row and column span) and the text
//! outside them as lines, in reading order.
//!
//! # The algorithm
//!
//! 1. **Binarise** at Otsu's threshold (the gray level that best separates ink from paper).
//! 2. **Estimate the skew** from the long horizontal runs of ink (ruling lines): the angle
//!    whose projection makes them sharpest (the largest sum of squared row counts), searched
//!    from −3° to 3° in steps of 0.1°, then 0.01°.
//! 3. **Correct it**: when over 0.05°, the page is turned back (bilinear) and binarised again.
//! 4. **Find the ruling lines**: runs of ink at least ¼ inch long along rows (horizontal) and
//!    ⅕ inch along columns (vertical), one-pixel gaps bridged, runs on neighbouring rows
//!    grouped into one line.
//! 5. **Group them into tables**: lines that cross (within a tolerance) belong to one table.
//! 6. **Build the lattice**: the positions of a table's horizontal lines are its row edges,
//!    those of its vertical lines its column edges (positions a few pixels apart merged).
//! 7. **Find the cells**: two neighbouring lattice positions with no line between them (under
//!    half of the edge covered) are one cell; each group's bounding box is a cell with its row
//!    and column span — a missing inner line is a merged cell.
//! 8. **Cut each cell** inside its lines (a margin off each edge), split its ink into text
//!    lines by the blank rows between them, and pad each line with white.
//! 9. **Recognise** each line with [`Engine`] (Tesseract 5, one line at a time: `eng` for
//!    numbers, `chi_sim` when `eng` reads no confident number). A cell without ink is blank
//!    with confidence 1; otherwise its confidence is the lowest of its lines'.
//! 10. **Read the text outside the tables**: rows of ink between tables are cut into lines the
//!     same way and recognised with `chi_sim`.
//!
//! # The engine, measured
//!
//! See [`engine`] for the choice of Tesseract and the numbers behind it.

#![deny(missing_docs)]

pub mod engine;
mod image;
mod lines;
mod table;

pub use engine::{Engine, Recognised};
pub use image::{otsu_threshold, GrayImage};

/// Why a page could not be read.
#[derive(Debug, thiserror::Error)]
pub enum OcrError {
    /// The recognition engine is not installed.
    #[error("OCR engine missing ({what}); install it: {what_to_install}")]
    EngineMissing {
        /// What was not found.
        what: String,
        /// The command that installs it.
        what_to_install: &'static str,
    },
    /// An image that cannot be a page.
    #[error("bad image: {0}")]
    BadImage(String),
    /// A page past a limit of [`Limits`].
    #[error("{what}: {size}, more than the limit of {limit}")]
    OverLimit {
        /// What is counted.
        what: &'static str,
        /// How many there are.
        size: usize,
        /// The limit.
        limit: usize,
    },
}

/// Limits on the work for one page.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Pixels of one page (a 600 dpi A3 page is 70 million).
    pub max_pixels: usize,
    /// Cells of the tables of one page.
    pub max_cells: usize,
    /// Lines of text recognised on one page (cells' lines included).
    pub max_lines: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_pixels: 80_000_000,
            max_cells: 5_000,
            max_lines: 10_000,
        }
    }
}

/// A page read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    /// Text lines and tables, top to bottom.
    pub blocks: Vec<PageBlock>,
    /// The skew found and corrected, in degrees (positive: lines went down to the right).
    pub skew_degrees: f64,
}

/// A line of text or a table.
#[derive(Debug, Clone, PartialEq)]
pub enum PageBlock {
    /// A line of text outside the tables.
    Line(Recognised),
    /// A table.
    Table(Table),
}

/// A table: its rows, each the cells that start in it, left to right.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// Rows of the lattice.
    pub rows: Vec<Vec<Cell>>,
    /// Columns of the lattice.
    pub columns: usize,
}

/// A cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The text recognised (its lines joined without a separator: a wrapped label is one text).
    pub text: String,
    /// How sure the engine is, 0 to 1 (1 for a cell without ink).
    pub confidence: f32,
    /// The lattice row it starts in.
    pub row: usize,
    /// The lattice column it starts in.
    pub col: usize,
    /// Rows covered.
    pub row_span: usize,
    /// Columns covered.
    pub col_span: usize,
}

/// Reads a grayscale page scanned at `ppi` dots per inch.
pub fn read_page(
    engine: &mut Engine,
    image: &GrayImage,
    ppi: u32,
    limits: &Limits,
) -> Result<Page, OcrError> {
    let pixels = image.width * image.height;
    if pixels > limits.max_pixels {
        return Err(OcrError::OverLimit {
            what: "pixels",
            size: pixels,
            limit: limits.max_pixels,
        });
    }
    if image.width < 16 || image.height < 16 || image.pixels.len() != pixels {
        return Err(OcrError::BadImage(format!(
            "{}×{} pixels, too small or inconsistent",
            image.width, image.height
        )));
    }
    let ppi = ppi.clamp(50, 1200) as usize;
    let h_min = ppi / 4;
    let v_min = ppi / 5;
    let tolerance = (ppi / 40).max(3);

    let mut ink = image::Binary::otsu(image);
    let skew = lines::estimate_skew(&ink, h_min);
    let straight;
    let image = if skew.abs() > 0.05 {
        straight = image.rotated(skew);
        ink = image::Binary::otsu(&straight);
        &straight
    } else {
        image
    };
    let horizontal = lines::horizontal_lines(&ink, h_min);
    let vertical = lines::vertical_lines(&ink, v_min);
    let tables = table::tables(&horizontal, &vertical, tolerance);
    let cells: usize = tables.iter().map(|t| t.cells.len()).sum();
    if cells > limits.max_cells {
        return Err(OcrError::OverLimit {
            what: "table cells",
            size: cells,
            limit: limits.max_cells,
        });
    }

    let mut reader = Reader {
        engine,
        image,
        ink: &ink,
        ppi: ppi as u32,
        lines: 0,
        max_lines: limits.max_lines,
    };
    let mut blocks = Vec::new();
    let mut from = 0;
    for t in &tables {
        reader.text_lines(from, t.top.saturating_sub(tolerance), &mut blocks)?;
        blocks.push(PageBlock::Table(reader.table(t, tolerance)?));
        from = t.bottom + tolerance;
    }
    reader.text_lines(from, image.height, &mut blocks)?;
    Ok(Page {
        blocks,
        skew_degrees: skew,
    })
}

/// What recognising a page needs at hand.
struct Reader<'a> {
    engine: &'a mut Engine,
    image: &'a GrayImage,
    ink: &'a image::Binary,
    ppi: u32,
    /// Lines recognised so far.
    lines: usize,
    max_lines: usize,
}

impl Reader<'_> {
    /// Counts one more line against the limit.
    fn take_line(&mut self) -> Result<(), OcrError> {
        self.lines += 1;
        if self.lines > self.max_lines {
            return Err(OcrError::OverLimit {
                what: "lines of text",
                size: self.lines,
                limit: self.max_lines,
            });
        }
        Ok(())
    }

    /// The bands of rows `[top, bottom)` within columns `[left, right)` that hold ink, as
    /// `(top, bottom, left, right)` of the ink, split at blank rows.
    fn bands(
        &self,
        (left, top, right, bottom): (usize, usize, usize, usize),
    ) -> Vec<(usize, usize, usize, usize)> {
        let mut bands = Vec::new();
        let mut open: Option<(usize, usize, usize)> = None;
        for y in top..bottom.min(self.ink.height) {
            let row = &self.ink.ink[y * self.ink.width + left..y * self.ink.width + right];
            let first = row.iter().position(|&b| b);
            match (first, &mut open) {
                (Some(first), Some((_, l, r))) => {
                    let last = row.iter().rposition(|&b| b).unwrap_or(first);
                    *l = (*l).min(left + first);
                    *r = (*r).max(left + last + 1);
                }
                (Some(first), None) => {
                    let last = row.iter().rposition(|&b| b).unwrap_or(first);
                    open = Some((y, left + first, left + last + 1));
                }
                (None, Some((t, l, r))) => {
                    bands.push((*t, y, *l, *r));
                    open = None;
                }
                (None, None) => {}
            }
        }
        if let Some((t, l, r)) = open {
            bands.push((t, bottom.min(self.ink.height), l, r));
        }
        // Specks (scan noise) are no text.
        let speck = (self.ppi / 50) as usize;
        bands.retain(|&(t, b, l, r)| b - t > speck || r - l > speck);
        bands
    }

    fn recognise(
        &mut self,
        band: (usize, usize, usize, usize),
        chinese_only: bool,
    ) -> Result<Recognised, OcrError> {
        self.take_line()?;
        let (top, bottom, left, right) = band;
        let pad = (self.ppi / 20) as usize;
        let line = self.image.crop(left, top, right, bottom).padded(pad);
        Ok(if chinese_only || !self.looks_like_digits(band) {
            self.engine.recognise_text(&line, self.ppi)
        } else {
            self.engine.recognise_line(&line, self.ppi)
        })
    }

    /// Whether a band's glyphs could all be digits: each connected piece of ink is as tall as
    /// the band and at most ¾ as wide, or a small mark (a point, a comma). Chinese characters
    /// have flat or wide pieces. A wrong yes costs a second recognition, never a wrong text.
    fn looks_like_digits(&self, (top, bottom, left, right): (usize, usize, usize, usize)) -> bool {
        let (w, h) = (right - left, bottom - top);
        let mut seen = vec![false; w * h];
        let mut stack = Vec::new();
        for start in 0..w * h {
            if seen[start] || !self.ink.at(left + start % w, top + start / w) {
                continue;
            }
            seen[start] = true;
            stack.push(start);
            let (mut x0, mut x1, mut y0, mut y1) = (w, 0, h, 0);
            while let Some(i) = stack.pop() {
                let (x, y) = (i % w, i / w);
                (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
                for (dx, dy) in [
                    (-1, 0),
                    (1, 0),
                    (0, -1),
                    (0, 1),
                    (-1, -1),
                    (1, 1),
                    (-1, 1),
                    (1, -1),
                ] {
                    let (nx, ny) = (x as isize + dx, y as isize + dy);
                    if nx < 0 || ny < 0 || nx as usize >= w || ny as usize >= h {
                        continue;
                    }
                    let j = ny as usize * w + nx as usize;
                    if !seen[j] && self.ink.at(left + nx as usize, top + ny as usize) {
                        seen[j] = true;
                        stack.push(j);
                    }
                }
            }
            let (pw, ph) = (x1 - x0 + 1, y1 - y0 + 1);
            let digit = ph * 10 >= h * 6 && pw * 4 <= h * 3;
            let mark = ph * 10 <= h * 3 && pw * 2 <= h;
            if !digit && !mark {
                return false;
            }
        }
        true
    }

    /// The lines of text between rows `top` and `bottom`, outside tables.
    fn text_lines(
        &mut self,
        top: usize,
        bottom: usize,
        out: &mut Vec<PageBlock>,
    ) -> Result<(), OcrError> {
        if bottom <= top {
            return Ok(());
        }
        for band in self.bands((0, top, self.image.width, bottom)) {
            let line = self.recognise(band, true)?;
            if !line.text.is_empty() {
                out.push(PageBlock::Line(line));
            }
        }
        Ok(())
    }

    fn table(&mut self, found: &table::TableBox, tolerance: usize) -> Result<Table, OcrError> {
        let mut rows: Vec<Vec<Cell>> = vec![Vec::new(); found.rows];
        for cell in &found.cells {
            let (l, t, r, b) = cell.rect;
            // Inside the lines: their half thickness and the tolerance off each edge.
            let inside = (
                l + tolerance,
                t + tolerance,
                r.saturating_sub(tolerance),
                b.saturating_sub(tolerance),
            );
            let (mut text, mut confidence) = (String::new(), 1.0f32);
            if inside.2 > inside.0 && inside.3 > inside.1 {
                for band in self.bands(inside) {
                    let line = self.recognise(band, false)?;
                    text.push_str(&line.text);
                    confidence = confidence.min(line.confidence);
                }
            }
            rows[cell.row].push(Cell {
                text,
                confidence,
                row: cell.row,
                col: cell.col,
                row_span: cell.row_span,
                col_span: cell.col_span,
            });
        }
        Ok(Table {
            rows,
            columns: found.cols,
        })
    }
}
