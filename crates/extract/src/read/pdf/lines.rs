//! Glyphs to text: lines by baseline, words by gaps.
//!
//! 1. Glyphs are put in reading position: `top` is the baseline's distance from the top of
//!    the page.
//! 2. Sorted by baseline, a glyph joins the current line when its baseline is within half a
//!    font size of the line's; otherwise it starts the next line.
//! 3. In a line, glyphs are sorted by x; a gap wider than [`WORD_GAP`] font sizes is a space
//!    between two [`Word`]s (each with its x extent, which tables without rules are cut by);
//!    a glyph repeating the previous one at (almost) the same place is dropped (fake bold is
//!    printed twice).

use nianbao_pdf::Glyph;

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
            let words = words(&group);
            Line {
                top: group[0].top,
                left: group[0].glyph.x,
                text: words
                    .iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
                words,
            }
        })
        .collect()
}

/// The words of one line's glyphs (sorted by x).
fn words(glyphs: &[Placed<'_>]) -> Vec<Word> {
    let mut words: Vec<Word> = Vec::new();
    let mut previous: Option<&Glyph> = None;
    for g in glyphs.iter().map(|p| p.glyph) {
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
                    });
                } else {
                    word.text.push_str(&g.text);
                    word.right = word.right.max(right);
                }
            }
            _ => words.push(Word {
                text: g.text.clone(),
                left: g.x,
                right,
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

    fn placed(glyphs: &[Glyph]) -> Vec<Placed<'_>> {
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
