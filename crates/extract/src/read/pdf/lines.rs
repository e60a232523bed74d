//! Glyphs to text: lines by baseline, words by gaps.
//!
//! 1. Glyphs are put in reading position: `top` is the baseline's distance from the top of
//!    the page. Glyphs whose text runs another way than the page's (a header cell turned a
//!    quarter) are first joined into strings of their own ([`turned_runs`]): one glyph each,
//!    over the middle of the run, so a turned cell reads as one word in its cell instead of a
//!    character per line.
//! 2. Sorted by baseline, a glyph joins the current line when its baseline is within half a
//!    font size of the line's; otherwise it starts the next line.
//! 3. In a line, glyphs are sorted by x; a gap wider than [`WORD_GAP`] font sizes is a space
//!    between two [`Word`]s (each with its x extent, which tables without rules are cut by);
//!    a glyph repeating the previous one at (almost) the same place is dropped (fake bold is
//!    printed twice).

use nianbao_pdf::{Direction, Glyph};

/// A gap between glyphs wider than this many font sizes separates words.
pub(super) const WORD_GAP: f32 = 0.3;

/// A glyph in reading position.
#[derive(Debug, Clone, Copy)]
pub(super) struct Placed<'g> {
    /// The glyph.
    pub glyph: &'g Glyph,
    /// The baseline's distance from the top of the page.
    pub top: f32,
}

impl Placed<'_> {
    /// The middle of the glyph box, (x, y from the top).
    pub(super) fn center(&self) -> (f32, f32) {
        (
            self.glyph.x + self.glyph.width / 2.0,
            self.top - self.glyph.size * 0.35,
        )
    }
}

/// A word of a line: glyphs without a gap wider than [`WORD_GAP`] font sizes.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Word {
    /// The text.
    pub text: String,
    /// The left of its first glyph.
    pub left: f32,
    /// The right of its last glyph.
    pub right: f32,
    /// The baseline of its first glyph (a line joins glyphs whose baselines differ a little).
    pub top: f32,
    /// Each glyph's place: where its text starts in `text`, its left and its right.
    pub glyphs: Vec<(usize, f32, f32)>,
}

/// Where a glyph's body lies around its origin, for the way it runs: (left, right, bottom,
/// top) offsets in page space, from its advance `width` and font `size` (the body is about
/// 0.88 of the size above the baseline and 0.12 below).
fn body(g: &Glyph) -> (f32, f32, f32, f32) {
    let (w, s) = (g.width, g.size);
    match g.direction {
        Direction::LeftToRight => (0.0, w, -0.12 * s, 0.88 * s),
        Direction::RightToLeft => (-w, 0.0, -0.88 * s, 0.12 * s),
        Direction::BottomToTop => (-0.88 * s, 0.12 * s, 0.0, w),
        Direction::TopToBottom => (-0.12 * s, 0.88 * s, -w, 0.0),
    }
}

/// The glyphs that do not run left to right, joined into one glyph per run: consecutive (in
/// content order) glyphs of one direction, each starting within a font size of where the
/// previous one ends. Its text is the run's in reading order; it lies over the run's middle,
/// one font size high, as wide as the run's box.
pub(super) fn turned_runs(glyphs: &[Glyph]) -> Vec<Glyph> {
    let mut runs: Vec<Vec<&Glyph>> = Vec::new();
    for g in glyphs
        .iter()
        .filter(|g| g.direction != Direction::LeftToRight)
    {
        let joins = runs.last().and_then(|r| r.last()).is_some_and(|p| {
            let (dx, dy) = match p.direction {
                Direction::LeftToRight | Direction::RightToLeft => (p.width, 0.0),
                Direction::BottomToTop | Direction::TopToBottom => (0.0, p.width),
            };
            let reach = p.size.max(g.size).max(1.0);
            p.direction == g.direction
                && (g.x - p.x).abs() <= dx + reach
                && (g.y - p.y).abs() <= dy + reach
        });
        match runs.last_mut() {
            Some(run) if joins => run.push(g),
            _ => runs.push(vec![g]),
        }
    }
    runs.into_iter()
        .map(|mut run| {
            // Reading order along the run.
            run.sort_by(|a, b| match a.direction {
                Direction::BottomToTop => a.y.total_cmp(&b.y),
                Direction::TopToBottom => b.y.total_cmp(&a.y),
                _ => b.x.total_cmp(&a.x),
            });
            let (mut x0, mut x1, mut y0, mut y1) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
            for g in &run {
                let (l, r, b, t) = body(g);
                x0 = x0.min(g.x + l);
                x1 = x1.max(g.x + r);
                y0 = y0.min(g.y + b);
                y1 = y1.max(g.y + t);
            }
            let size = run.iter().map(|g| g.size).fold(0.0, f32::max);
            Glyph {
                text: run.iter().map(|g| g.text.as_str()).collect(),
                x: x0,
                // The baseline that puts the middle of a line of it at the run's middle.
                y: (y0 + y1) / 2.0 - 0.35 * size,
                width: x1 - x0,
                size,
                font: run[0].font,
                mapped: run.iter().all(|g| g.mapped),
                direction: run[0].direction,
            }
        })
        .collect()
}

/// A line of text.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Line {
    /// The baseline's distance from the top of the page.
    pub top: f32,
    /// The left of its first glyph.
    pub left: f32,
    /// The text, words separated by one space.
    pub text: String,
    /// The words, left to right.
    pub words: Vec<Word>,
    /// The largest font size of its glyphs.
    pub size: f32,
}

impl Line {
    /// The line of `words` (left to right) at `top`, its text and left edge theirs.
    pub fn new(top: f32, size: f32, words: Vec<Word>) -> Line {
        Line {
            top,
            left: words.first().map_or(0.0, |w| w.left),
            text: words
                .iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            words,
            size,
        }
    }
}

/// The glyphs grouped into lines, top to bottom.
pub(super) fn lines(glyphs: &[Placed<'_>]) -> Vec<Line> {
    let mut sorted: Vec<Placed<'_>> = glyphs.to_vec();
    sorted.sort_by(|a, b| {
        a.top
            .total_cmp(&b.top)
            .then(a.glyph.x.total_cmp(&b.glyph.x))
    });
    let mut groups: Vec<Vec<Placed<'_>>> = Vec::new();
    let mut baseline = f32::NEG_INFINITY;
    for g in sorted {
        let tolerance = g.glyph.size.max(1.0) * 0.5;
        match groups.last_mut() {
            Some(line) if (g.top - baseline).abs() <= tolerance => line.push(g),
            _ => {
                baseline = g.top;
                groups.push(vec![g]);
            }
        }
    }
    groups
        .into_iter()
        .map(|mut group| {
            group.sort_by(|a, b| a.glyph.x.total_cmp(&b.glyph.x));
            let size = group.iter().map(|g| g.glyph.size).fold(0.0, f32::max);
            Line::new(group[0].top, size, words(&group))
        })
        .collect()
}

/// The words of one line's glyphs (sorted by x).
fn words(glyphs: &[Placed<'_>]) -> Vec<Word> {
    let mut words: Vec<Word> = Vec::new();
    let mut previous: Option<&Glyph> = None;
    for &Placed { glyph: g, top } in glyphs {
        let right = g.x + g.width.max(0.0);
        match (previous, words.last_mut()) {
            (Some(p), Some(word)) => {
                let size = p.size.max(g.size).max(1.0);
                if p.text == g.text && (g.x - p.x).abs() < size * 0.2 {
                    continue;
                }
                if g.x - (p.x + p.width) > size * WORD_GAP {
                    words.push(Word {
                        text: g.text.clone(),
                        left: g.x,
                        right,
                        top,
                        glyphs: vec![(0, g.x, right)],
                    });
                } else {
                    word.glyphs.push((word.text.len(), g.x, right));
                    word.text.push_str(&g.text);
                    word.right = word.right.max(right);
                }
            }
            _ => words.push(Word {
                text: g.text.clone(),
                left: g.x,
                right,
                top,
                glyphs: vec![(0, g.x, right)],
            }),
        }
        previous = Some(g);
    }
    words
}

/// The text of a cell's glyphs: its lines joined, with a space only between two Latin
/// words (a CJK label wraps without one, and so does a number in a narrow cell: `1`/`3` is
/// 13).
pub(super) fn cell_text(glyphs: &[Placed<'_>]) -> String {
    let mut text = String::new();
    for line in lines(glyphs) {
        let end = text.chars().next_back();
        let start = line.text.chars().next();
        let joins_words = end.is_some_and(|c| c.is_ascii_alphanumeric())
            && start.is_some_and(|c| c.is_ascii_alphanumeric())
            && !(end.is_some_and(|c| c.is_ascii_digit())
                && start.is_some_and(|c| c.is_ascii_digit()));
        if joins_words {
            text.push(' ');
        }
        text.push_str(&line.text);
    }
    text
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A glyph of size 12 at (x, baseline from the top).
    pub(crate) fn glyph(text: &str, x: f32, top: f32) -> Glyph {
        Glyph {
            text: text.into(),
            x,
            y: 800.0 - top,
            width: if text.is_ascii() { 6.0 } else { 12.0 },
            size: 12.0,
            font: 0,
            mapped: true,
            direction: nianbao_pdf::Direction::LeftToRight,
        }
    }

    /// The glyphs placed on a page 800 points high.
    pub(crate) fn placed(glyphs: &[Glyph]) -> Vec<Placed<'_>> {
        glyphs
            .iter()
            .map(|g| Placed {
                glyph: g,
                top: 800.0 - g.y,
            })
            .collect()
    }

    #[test]
    fn lines_by_baseline_and_words_by_gaps() {
        let glyphs = [
            glyph("1", 200.0, 101.0),
            glyph("规", 10.0, 100.0),
            glyph("章", 22.0, 100.0),
            glyph("2", 206.0, 100.5),
            glyph("3", 300.0, 100.0),
            glyph("下", 10.0, 130.0),
            // Printed twice (fake bold).
            glyph("下", 10.5, 130.0),
        ];
        let lines = lines(&placed(&glyphs));
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["规章 12 3", "下"]);
        assert_eq!(lines[0].left, 10.0);
    }

    #[test]
    fn a_wrapped_cell_joins_without_a_space_unless_latin() {
        let glyphs = [
            glyph("第", 10.0, 100.0),
            glyph("一", 22.0, 100.0),
            glyph("项", 10.0, 115.0),
        ];
        assert_eq!(cell_text(&placed(&glyphs)), "第一项");
        let glyphs = [glyph("a", 10.0, 100.0), glyph("b", 10.0, 115.0)];
        assert_eq!(cell_text(&placed(&glyphs)), "a b");
        let glyphs = [glyph("1", 10.0, 100.0), glyph("3", 10.0, 115.0)];
        assert_eq!(cell_text(&placed(&glyphs)), "13");
    }
}
