//! Tables from ruling lines.
//!
//! 1. The page's rules (top-down coordinates) are grouped into connected sets: a horizontal
//!    and a vertical rule that cross or touch, or two collinear rules that meet, belong to the
//!    same table. A set with at least two horizontal and two vertical rules is a table.
//! 2. Its x edges are the vertical rules' positions, its y edges the horizontal rules', each
//!    snapped ([`SNAP`]: nearby coordinates are one edge), plus the ends of the rules (a table
//!    without outer side borders).
//! 3. Between two neighbouring positions an edge is drawn when a rule on it covers the middle
//!    of that row (column); a missing inner edge merges the positions. Cells grow right while
//!    no edge separates them, then down while no edge separates any of their columns: each
//!    cell is a rectangle of positions with its column and row span.
//! 4. Every glyph whose middle is inside the table goes to the cell that covers its position;
//!    a cell's text is its glyphs' lines joined ([`super::lines::cell_text`]).

use nianbao_pdf::{Orientation, Page};

use super::lines::{cell_text, Placed};

/// Coordinates closer than this (points) are one edge; rules closer than this meet.
pub(super) const SNAP: f32 = 3.0;

/// The most rules of one page looked at for tables (grouping them is quadratic); a page with
/// more is read as lines.
pub(super) const MAX_RULES: usize = 5_000;

/// The most positions (rows × columns) of one table.
const MAX_POSITIONS: usize = 100_000;

/// A rule in top-down page coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Segment {
    /// Whether it runs along x.
    pub horizontal: bool,
    /// y (from the top) of a horizontal rule, x of a vertical one.
    pub at: f32,
    /// Start along its direction.
    pub from: f32,
    /// End along its direction.
    pub to: f32,
}

/// The page's rules, top-down; `None` past [`MAX_RULES`], or when the text layer dropped
/// some (a table built from some of its rules would have wrong spans).
pub(super) fn segments(page: &Page) -> Option<Vec<Segment>> {
    if page.rules.len() > MAX_RULES || page.dropped_rules > 0 {
        return None;
    }
    let segments = page
        .rules
        .iter()
        .map(|r| match r.orientation {
            Orientation::Horizontal => Segment {
                horizontal: true,
                at: page.height - r.at,
                from: r.from,
                to: r.to,
            },
            Orientation::Vertical => Segment {
                horizontal: false,
                at: r.at,
                from: page.height - r.to,
                to: page.height - r.from,
            },
        })
        .collect();
    Some(segments)
}

/// A cell: its text and spans.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Cell {
    /// The text.
    pub text: String,
    /// Columns covered.
    pub colspan: usize,
    /// Rows covered.
    pub rowspan: usize,
}

/// A table found on a page.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Table {
    /// Its top edge, from the top of the page.
    pub top: f32,
    /// Its x edges, left to right.
    pub columns: Vec<f32>,
    /// The cells by the row they start in, left to right.
    pub rows: Vec<Vec<Cell>>,
    /// The x extents of the value columns of a table without rules (cut from where its
    /// numbers stand, [`super::unruled`]); empty for a ruled table.
    pub value_columns: Vec<(f32, f32)>,
}

/// Whether two rules meet.
fn meet(a: &Segment, b: &Segment) -> bool {
    if a.horizontal == b.horizontal {
        (a.at - b.at).abs() <= SNAP && a.from <= b.to + SNAP && b.from <= a.to + SNAP
    } else {
        let (h, v) = if a.horizontal { (a, b) } else { (b, a) };
        h.from - SNAP <= v.at && v.at <= h.to + SNAP && v.from - SNAP <= h.at && h.at <= v.to + SNAP
    }
}

/// The connected sets of rules (indices).
fn connected(segments: &[Segment]) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..segments.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for i in 0..segments.len() {
        for j in i + 1..segments.len() {
            if meet(&segments[i], &segments[j]) {
                let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                parent[a] = b;
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for i in 0..segments.len() {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    groups.into_values().collect()
}

/// Sorted coordinates with neighbours closer than [`SNAP`] merged (to their mean).
fn snap(mut values: Vec<f32>) -> Vec<f32> {
    values.sort_by(f32::total_cmp);
    let mut out: Vec<(f32, usize)> = Vec::new();
    for v in values {
        match out.last_mut() {
            Some((sum, n)) if v - *sum / *n as f32 <= SNAP => {
                *sum += v;
                *n += 1;
            }
            _ => out.push((v, 1)),
        }
    }
    out.into_iter().map(|(sum, n)| sum / n as f32).collect()
}

/// The index of the interval of `edges` holding `v`, if inside.
fn interval(edges: &[f32], v: f32) -> Option<usize> {
    let i = edges.partition_point(|&e| e <= v);
    (i > 0 && i < edges.len()).then(|| i - 1)
}

/// The tables of a page and the glyphs outside them.
pub(super) fn tables<'g>(
    segments: &[Segment],
    glyphs: &[Placed<'g>],
) -> (Vec<Table>, Vec<Placed<'g>>) {
    let mut found = Vec::new();
    let mut left_over: Vec<Placed<'g>> = glyphs.to_vec();
    for group in connected(segments) {
        let rules: Vec<&Segment> = group.iter().map(|&i| &segments[i]).collect();
        let (horizontal, vertical): (Vec<&Segment>, Vec<&Segment>) =
            rules.iter().partition(|s| s.horizontal);
        if horizontal.len() < 2 || vertical.len() < 2 {
            continue;
        }
        let mut xs: Vec<f32> = vertical.iter().map(|s| s.at).collect();
        xs.extend(horizontal.iter().flat_map(|s| [s.from, s.to]));
        let mut ys: Vec<f32> = horizontal.iter().map(|s| s.at).collect();
        ys.extend(vertical.iter().flat_map(|s| [s.from, s.to]));
        let (xs, ys) = (snap(xs), snap(ys));
        let (columns, rows) = (xs.len().saturating_sub(1), ys.len().saturating_sub(1));
        if columns * rows < 2 || columns * rows > MAX_POSITIONS {
            continue;
        }
        let mid_row = |r: usize| (ys[r] + ys[r + 1]) / 2.0;
        let mid_col = |c: usize| (xs[c] + xs[c + 1]) / 2.0;
        // An edge between columns c-1 and c in row r; between rows r-1 and r in column c.
        let vertical_edge = |c: usize, r: usize| {
            vertical
                .iter()
                .any(|s| (s.at - xs[c]).abs() <= SNAP && s.from <= mid_row(r) && mid_row(r) <= s.to)
        };
        let horizontal_edge = |r: usize, c: usize| {
            horizontal
                .iter()
                .any(|s| (s.at - ys[r]).abs() <= SNAP && s.from <= mid_col(c) && mid_col(c) <= s.to)
        };
        const FREE: usize = usize::MAX;
        let mut owner = vec![FREE; rows * columns];
        let mut cells: Vec<(usize, usize, usize, usize)> = Vec::new();
        for r in 0..rows {
            for c in 0..columns {
                if owner[r * columns + c] != FREE {
                    continue;
                }
                let mut colspan = 1;
                while c + colspan < columns
                    && owner[r * columns + c + colspan] == FREE
                    && !vertical_edge(c + colspan, r)
                {
                    colspan += 1;
                }
                let mut rowspan = 1;
                while r + rowspan < rows
                    && (c..c + colspan).all(|k| {
                        owner[(r + rowspan) * columns + k] == FREE
                            && !horizontal_edge(r + rowspan, k)
                    })
                {
                    rowspan += 1;
                }
                let id = cells.len();
                for rr in r..r + rowspan {
                    for cc in c..c + colspan {
                        owner[rr * columns + cc] = id;
                    }
                }
                cells.push((r, c, colspan, rowspan));
            }
        }
        if cells.len() < 2 {
            continue;
        }
        let mut contents: Vec<Vec<Placed<'g>>> = vec![Vec::new(); cells.len()];
        left_over.retain(|g| {
            let (x, y) = g.center();
            match (interval(&xs, x), interval(&ys, y)) {
                (Some(c), Some(r)) => {
                    contents[owner[r * columns + c]].push(*g);
                    false
                }
                _ => true,
            }
        });
        if contents.iter().all(Vec::is_empty) {
            continue;
        }
        let mut table_rows: Vec<Vec<Cell>> = vec![Vec::new(); rows];
        for (&(r, _, colspan, rowspan), glyphs) in cells.iter().zip(&contents) {
            table_rows[r].push(Cell {
                text: cell_text(glyphs),
                colspan,
                rowspan,
            });
        }
        found.push(Table {
            top: ys[0],
            columns: xs,
            rows: table_rows,
            value_columns: Vec::new(),
        });
    }
    found.sort_by(|a, b| a.top.total_cmp(&b.top));
    (found, left_over)
}

#[cfg(test)]
mod tests {
    use super::super::lines::tests::{glyph, placed};
    use super::*;

    fn h(at: f32, from: f32, to: f32) -> Segment {
        Segment {
            horizontal: true,
            at,
            from,
            to,
        }
    }

    fn v(at: f32, from: f32, to: f32) -> Segment {
        Segment {
            horizontal: false,
            at,
            from,
            to,
        }
    }

    #[test]
    fn rules_make_cells_and_a_missing_edge_a_span() {
        // 3 columns (0, 100, 200, 300) × 3 rows (0, 20, 40, 60); the first row is one cell
        // (no inner verticals above y 20), the first column of rows 2-3 is one cell (no
        // horizontal at y 40 under it).
        let segments = vec![
            h(0.0, 0.0, 300.0),
            h(20.0, 0.0, 300.0),
            h(40.0, 100.0, 300.0),
            h(60.0, 0.0, 300.0),
            v(0.0, 0.0, 60.0),
            v(100.0, 20.0, 60.0),
            v(200.0, 20.0, 60.0),
            v(300.0, 0.0, 60.0),
            // Drawn twice, a hair apart.
            v(300.8, 0.0, 60.0),
        ];
        let glyphs = [
            glyph("标", 120.0, 15.0),
            glyph("题", 132.0, 15.0),
            glyph("行", 10.0, 45.0),
            glyph("1", 150.0, 35.0),
            glyph("2", 250.0, 35.0),
            glyph("3", 150.0, 55.0),
            glyph("外", 10.0, 100.0),
        ];
        let placed = placed(&glyphs);
        let (tables, rest) = tables(&segments, &placed);
        assert_eq!(tables.len(), 1);
        assert_eq!(rest.len(), 1);
        let t = &tables[0];
        assert_eq!(t.columns.len(), 4);
        let cells: Vec<Vec<(&str, usize, usize)>> = t
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| (c.text.as_str(), c.colspan, c.rowspan))
                    .collect()
            })
            .collect();
        assert_eq!(
            cells,
            vec![
                vec![("标题", 3, 1)],
                vec![("行", 1, 2), ("1", 1, 1), ("2", 1, 1)],
                vec![("3", 1, 1), ("", 1, 1)],
            ]
        );
    }

    #[test]
    fn lone_rules_are_no_table() {
        let segments = vec![h(10.0, 0.0, 300.0), h(50.0, 0.0, 300.0)];
        let glyph = glyph("字", 10.0, 30.0);
        let placed = [Placed {
            glyph: &glyph,
            top: 30.0,
        }];
        let (tables, rest) = tables(&segments, &placed);
        assert!(tables.is_empty());
        assert_eq!(rest.len(), 1);
    }
}
