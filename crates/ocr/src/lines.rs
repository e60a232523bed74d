//! Ruling lines: long runs of ink, their skew, and the tables they enclose.

use crate::image::Binary;

/// A horizontal ruling line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HorizontalLine {
    /// Its row (the middle of its thickness).
    pub y: usize,
    /// First column.
    pub x0: usize,
    /// Last column.
    pub x1: usize,
}

/// A vertical ruling line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VerticalLine {
    /// Its column (the middle of its thickness).
    pub x: usize,
    /// First row.
    pub y0: usize,
    /// Last row.
    pub y1: usize,
}

/// Runs of ink along rows at least `min_len` long, as `(row, first, last)`; gaps of one pixel
/// are bridged.
fn row_runs(ink: &Binary, min_len: usize) -> Vec<(usize, usize, usize)> {
    let mut runs = Vec::new();
    for y in 0..ink.height {
        let row = &ink.ink[y * ink.width..(y + 1) * ink.width];
        let mut x = 0;
        while x < ink.width {
            if !row[x] {
                x += 1;
                continue;
            }
            let start = x;
            while x < ink.width && (row[x] || (x + 1 < ink.width && row[x + 1])) {
                x += 1;
            }
            if x - start >= min_len {
                runs.push((y, start, x - 1));
            }
        }
    }
    runs
}

/// The skew of the page in degrees: the angle of its long horizontal runs (positive when they
/// go down to the right), by the projection that makes them sharpest. Zero without them.
pub fn estimate_skew(ink: &Binary, min_len: usize) -> f64 {
    // Pixels of long runs only (ruling lines, and the pieces a skewed line breaks into).
    let points: Vec<(f64, f64)> = row_runs(ink, min_len / 2)
        .into_iter()
        .flat_map(|(y, x0, x1)| (x0..=x1).step_by(2).map(move |x| (x as f64, y as f64)))
        .collect();
    if points.len() < 100 {
        return 0.0;
    }
    let height = ink.height as f64;
    let score = |degrees: f64| {
        let slope = degrees.to_radians().tan();
        let reach = (ink.width as f64 * slope.abs()).ceil();
        let mut histogram = vec![0u32; (height + 2.0 * reach + 2.0) as usize];
        for &(x, y) in &points {
            histogram[(y - x * slope + reach).round() as usize] += 1;
        }
        histogram
            .iter()
            .map(|&n| f64::from(n) * f64::from(n))
            .sum::<f64>()
    };
    let best_of = |from: f64, to: f64, step: f64| {
        let steps = ((to - from) / step).round() as i32;
        (0..=steps)
            .map(|i| from + f64::from(i) * step)
            .map(|a| (a, score(a)))
            .fold((0.0, f64::MIN), |b, s| if s.1 > b.1 { s } else { b })
            .0
    };
    let coarse = best_of(-3.0, 3.0, 0.1);
    best_of(coarse - 0.1, coarse + 0.1, 0.01)
}

/// Groups runs `(across, from, to)` that touch (within `tolerance` across, overlapping along)
/// into lines `(middle, from, to)`.
fn group_runs(
    mut runs: Vec<(usize, usize, usize)>,
    tolerance: usize,
) -> Vec<(usize, usize, usize)> {
    runs.sort_unstable();
    // Open lines: (first across, last across, from, to).
    let mut lines: Vec<(usize, usize, usize, usize)> = Vec::new();
    for (at, from, to) in runs {
        let joined = lines
            .iter_mut()
            .rev()
            .find(|l| l.1 + tolerance >= at && from <= l.3 && to >= l.2);
        match joined {
            Some(line) => {
                line.1 = at;
                line.2 = line.2.min(from);
                line.3 = line.3.max(to);
            }
            None => lines.push((at, at, from, to)),
        }
    }
    lines
        .into_iter()
        .map(|(first, last, from, to)| ((first + last) / 2, from, to))
        .collect()
}

/// The horizontal lines at least `min_len` long.
pub fn horizontal_lines(ink: &Binary, min_len: usize) -> Vec<HorizontalLine> {
    group_runs(row_runs(ink, min_len), 2)
        .into_iter()
        .map(|(y, x0, x1)| HorizontalLine { y, x0, x1 })
        .collect()
}

/// The vertical lines at least `min_len` long.
pub fn vertical_lines(ink: &Binary, min_len: usize) -> Vec<VerticalLine> {
    // Transposed, the columns are rows.
    let mut transposed = Binary {
        width: ink.height,
        height: ink.width,
        ink: vec![false; ink.ink.len()],
    };
    for y in 0..ink.height {
        for x in 0..ink.width {
            transposed.ink[x * ink.height + y] = ink.at(x, y);
        }
    }
    group_runs(row_runs(&transposed, min_len), 2)
        .into_iter()
        .map(|(x, y0, y1)| VerticalLine { x, y0, y1 })
        .collect()
}
