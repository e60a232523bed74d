//! From ruling lines to tables: the lines that cross each other form a table; their positions
//! form a lattice; lattice positions not separated by a line belong to one (spanning) cell.

use crate::lines::{HorizontalLine, VerticalLine};

/// A cell of a table found on the page, in lattice and pixel coordinates.
#[derive(Debug, Clone, PartialEq)]
pub struct CellBox {
    /// First lattice row.
    pub row: usize,
    /// First lattice column.
    pub col: usize,
    /// Lattice rows covered.
    pub row_span: usize,
    /// Lattice columns covered.
    pub col_span: usize,
    /// Left, top, right, bottom of the cell's inside, in pixels (the lines' middles).
    pub rect: (usize, usize, usize, usize),
}

/// A table found on the page: its lattice and its cells, row by row, left to right.
#[derive(Debug, Clone, PartialEq)]
pub struct TableBox {
    /// Rows of the lattice.
    pub rows: usize,
    /// Columns of the lattice.
    pub cols: usize,
    /// The top row of pixels.
    pub top: usize,
    /// The bottom row of pixels.
    pub bottom: usize,
    /// The cells.
    pub cells: Vec<CellBox>,
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (a, b) = (find(parent, a), find(parent, b));
    if a != b {
        parent[a.max(b)] = a.min(b);
    }
}

/// Positions within `tolerance` of each other merged (their mean), sorted.
fn cluster(mut positions: Vec<usize>, tolerance: usize) -> Vec<usize> {
    positions.sort_unstable();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for p in positions {
        match groups.last_mut() {
            Some(g) if p <= g[g.len() - 1] + tolerance => g.push(p),
            _ => groups.push(vec![p]),
        }
    }
    groups
        .into_iter()
        .map(|g| g.iter().sum::<usize>() / g.len())
        .collect()
}

/// How much of `[from, to]` the segments cover, 0 to 1.
fn coverage(segments: &[(usize, usize)], from: usize, to: usize) -> f64 {
    let mut covered = 0;
    for &(a, b) in segments {
        let (a, b) = (a.max(from), b.min(to));
        if b > a {
            covered += b - a;
        }
    }
    covered as f64 / (to - from).max(1) as f64
}

/// The tables the lines form. `tolerance` is how far (pixels) a line may miss another and
/// still meet it.
pub fn tables(
    horizontal: &[HorizontalLine],
    vertical: &[VerticalLine],
    tolerance: usize,
) -> Vec<TableBox> {
    // Lines that meet belong to one table: union–find over horizontal lines then vertical.
    let n = horizontal.len();
    let mut parent: Vec<usize> = (0..n + vertical.len()).collect();
    let mut met = vec![false; n + vertical.len()];
    for (i, h) in horizontal.iter().enumerate() {
        for (j, v) in vertical.iter().enumerate() {
            let crosses = v.y0 <= h.y + tolerance
                && h.y <= v.y1 + tolerance
                && h.x0 <= v.x + tolerance
                && v.x <= h.x1 + tolerance;
            if crosses {
                union(&mut parent, i, n + j);
                met[i] = true;
                met[n + j] = true;
            }
        }
    }
    let mut groups: Vec<(usize, Vec<usize>)> = Vec::new();
    for i in (0..parent.len()).filter(|&i| met[i]) {
        let root = find(&mut parent, i);
        match groups.iter_mut().find(|g| g.0 == root) {
            Some(g) => g.1.push(i),
            None => groups.push((root, vec![i])),
        }
    }
    let mut tables: Vec<TableBox> = groups
        .into_iter()
        .filter_map(|(_, members)| {
            let hs: Vec<&HorizontalLine> = members
                .iter()
                .filter(|&&i| i < n)
                .map(|&i| &horizontal[i])
                .collect();
            let vs: Vec<&VerticalLine> = members
                .iter()
                .filter(|&&i| i >= n)
                .map(|&i| &vertical[i - n])
                .collect();
            table(&hs, &vs, tolerance)
        })
        .collect();
    tables.sort_by_key(|t| t.top);
    tables
}

fn table(hs: &[&HorizontalLine], vs: &[&VerticalLine], tolerance: usize) -> Option<TableBox> {
    let ys = cluster(hs.iter().map(|h| h.y).collect(), tolerance);
    let xs = cluster(vs.iter().map(|v| v.x).collect(), tolerance);
    if ys.len() < 2 || xs.len() < 2 {
        return None;
    }
    let (rows, cols) = (ys.len() - 1, xs.len() - 1);
    // The segments of each lattice line.
    let nearest = |grid: &[usize], p: usize| {
        (0..grid.len())
            .min_by_key(|&i| grid[i].abs_diff(p))
            .expect("a lattice has lines")
    };
    let mut on_row: Vec<Vec<(usize, usize)>> = vec![Vec::new(); ys.len()];
    for h in hs {
        on_row[nearest(&ys, h.y)].push((h.x0, h.x1));
    }
    let mut on_col: Vec<Vec<(usize, usize)>> = vec![Vec::new(); xs.len()];
    for v in vs {
        on_col[nearest(&xs, v.x)].push((v.y0, v.y1));
    }
    // Lattice positions joined where no line separates them.
    let mut parent: Vec<usize> = (0..rows * cols).collect();
    let inner = |a: usize, b: usize| {
        let margin = (b - a) / 4;
        (a + margin, b - margin)
    };
    for r in 0..rows {
        for c in 0..cols {
            if c + 1 < cols {
                let (from, to) = inner(ys[r], ys[r + 1]);
                if coverage(&on_col[c + 1], from, to) < 0.5 {
                    union(&mut parent, r * cols + c, r * cols + c + 1);
                }
            }
            if r + 1 < rows {
                let (from, to) = inner(xs[c], xs[c + 1]);
                if coverage(&on_row[r + 1], from, to) < 0.5 {
                    union(&mut parent, r * cols + c, (r + 1) * cols + c);
                }
            }
        }
    }
    // Each group's bounding box is a cell; a position outside every line (no border above,
    // below, left or right of it) is not part of the table.
    let mut extent: Vec<Option<(usize, usize, usize, usize)>> = vec![None; rows * cols];
    for r in 0..rows {
        for c in 0..cols {
            let root = find(&mut parent, r * cols + c);
            let e = extent[root].get_or_insert((r, c, r, c));
            *e = (e.0.min(r), e.1.min(c), e.2.max(r), e.3.max(c));
        }
    }
    let mut cells: Vec<CellBox> = extent
        .into_iter()
        .flatten()
        .map(|(r0, c0, r1, c1)| CellBox {
            row: r0,
            col: c0,
            row_span: r1 - r0 + 1,
            col_span: c1 - c0 + 1,
            rect: (xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1]),
        })
        .collect();
    cells.sort_by_key(|c| (c.row, c.col));
    Some(TableBox {
        rows,
        cols,
        top: ys[0],
        bottom: ys[rows],
        cells,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(y: usize, x0: usize, x1: usize) -> HorizontalLine {
        HorizontalLine { y, x0, x1 }
    }

    fn v(x: usize, y0: usize, y1: usize) -> VerticalLine {
        VerticalLine { x, y0, y1 }
    }

    #[test]
    fn a_missing_inner_line_is_a_span_and_separate_grids_are_separate_tables() {
        // A 2×3 table whose top-left cell spans two rows (no line under it) and whose top
        // right spans two columns (no line between them); a second table below.
        let horizontal = [
            h(100, 100, 400),
            h(150, 200, 400),
            h(200, 100, 400),
            h(300, 100, 200),
            h(350, 100, 200),
        ];
        let vertical = [
            v(100, 100, 200),
            v(200, 100, 200),
            v(300, 150, 200),
            v(400, 100, 200),
            v(100, 300, 350),
            v(200, 300, 350),
        ];
        let found = tables(&horizontal, &vertical, 3);
        assert_eq!(found.len(), 2);
        let t = &found[0];
        assert_eq!((t.rows, t.cols, t.top, t.bottom), (2, 3, 100, 200));
        let spans: Vec<_> = t
            .cells
            .iter()
            .map(|c| (c.row, c.col, c.row_span, c.col_span))
            .collect();
        assert_eq!(
            spans,
            [(0, 0, 2, 1), (0, 1, 1, 2), (1, 1, 1, 1), (1, 2, 1, 1)]
        );
        assert_eq!(t.cells[0].rect, (100, 100, 200, 200));
        assert_eq!((found[1].rows, found[1].cols), (1, 1));
    }

    #[test]
    fn lines_that_meet_no_other_line_make_no_table() {
        assert!(tables(&[h(10, 0, 500)], &[v(600, 0, 100)], 3).is_empty());
    }
}
