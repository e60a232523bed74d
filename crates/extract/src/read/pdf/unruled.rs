//! Tables without ruling lines: columns cut from where the numbers stand.
//!
//! 1. A line that ends in values (numbers or dashes, see [`values_start`]) is a row: its
//!    leading words are the label, the value words keep their x extents. A line of a single
//!    value is a row inside a region but starts none, unless its label is printed around it
//!    (text lines of one cell right above and below it, [`label_around`]). Other lines are
//!    text.
//! 2. A region is a run of rows, with at most [`MAX_TEXT_BETWEEN`] text lines between two of
//!    them (a wrapped label, a group label); a text line with a word over the value columns (a
//!    header or a caption of the next block) ends it, and so does the end of the page (the
//!    text lines before it are the table's: it goes on over the page); text lines after its
//!    last row that are that row's label (step 6) are the region's too. Up to
//!    [`MAX_HEADER_LINES`] text lines right above its first row are its header (the lowest
//!    one, when it lies left of the values and that row has no label, is the row's; so are
//!    the lines above the row's label left of the values, as near as lines of one cell,
//!    [`LINE_GAP`]). A row with a value word over two narrower ones that stand apart (digits
//!    of neighbouring cells printed without a gap, `217`+`1` as `2171`: [`bridging_row`]) is
//!    cut between its glyphs where they meet the columns of the other values, when exactly
//!    one cut fits ([`cut_bridging`]); otherwise it ends the region and is left as a line:
//!    which digits are whose is the solver's to decide. A page number (`- 3 -`: ending in at
//!    most one number, [`is_page_number`]) in the page's header or footer is left out
//!    beforehand; a row of values there is the table's, and so is a number with its label
//!    printed around it.
//! 3. Columns: the value words' extents of all its rows, sorted, where overlapping extents are
//!    one column (numbers of a column are right-aligned, centred or left-aligned, so their
//!    extents overlap). Then the header, from its lowest line up to one with a group header
//!    or prose: a word over two columns, or one between two columns that lower header lines
//!    have words over (a group header narrower than the gap it is centred in, as in a font
//!    whose glyphs print narrow); a word that overlaps no column, right of the first column's
//!    start, is a column no row has a number in.
//! 4. The clustering is clean when every value word overlaps exactly one column, no row
//!    has two values in one column and there are at most [`MAX_COLUMNS`]; otherwise (or with
//!    fewer than two rows and no header) the region is left as lines, which are read as label
//!    and values (the solver then says what cannot be placed).
//! 5. The first region of a page whose values fit the value columns of the table without
//!    rules that ended the previous page takes those columns: it continues that table.
//! 6. Labels: a label wrapped in a narrow cell prints its lines above, beside and below its
//!    row's values (a cell's text is centred on its height), between lines of group labels
//!    printed a character a line in columns of their own. So each label word of a text line
//!    between two rows is given to the row above, the row below or neither ([`owner`]): its
//!    column (the label words over it) is cut into cells at gaps wider than the lines of one
//!    cell are apart ([`CELL_GAP`] font sizes, from the words' baselines). A row's label is
//!    its own label words and those given to it, column by column from the left
//!    ([`labels`]); text given to no row stays a line of its own.
//! 7. The grid: a row per row line, the label first (when any row has one), then a cell per
//!    column, blank where the row has no number. A row without a label continues the label
//!    of the row above (a label printed over two lines around its values); text lines are
//!    rows of their label only. A line of values without a label right under a row, each
//!    under a number of it, fewer than it has, continues its numbers (a number wrapped in a
//!    narrow cell), and so does such a first line of the table's part on the next page
//!    ([`append`]). In a table without labels, a line of values above a row and one below
//!    it, in the same cells, blank in the row, are the first and last digits of numbers
//!    wrapped in narrow cells of a row whose other numbers print on one line, centred on the
//!    row's height ([`join_centred`]).

use super::grid::{Cell, Table};
use super::lines::{Line, Word};
use crate::items::MAX_LABEL_CHARS;
use crate::normalize::{parse_cell, CellValue};

/// The most text lines between two rows of one table (a label wrapped over seven lines of a
/// narrow cell beside a group label printed a character a line, whose lines fall between).
const MAX_TEXT_BETWEEN: usize = 24;

/// The most text lines above a table read as its header.
const MAX_HEADER_LINES: usize = 6;

/// The most value words of a region looked at for digits over two columns
/// ([`bridging_row`] compares each with every other).
const MAX_BRIDGE_WORDS: usize = 4096;

/// The most value columns of a table without rules (the report's widest table has 15): more
/// is no table, and placing each value stays cheap.
const MAX_COLUMNS: usize = 64;

/// Where the values at the end of a line's tokens start; `None` when the line does not end
/// in values, when its label (the tokens before, joined by spaces) is too long to be a row
/// label (prose that happens to end in a number), or when it is a single number or dash.
pub(super) fn values_start(tokens: &[&str]) -> Option<usize> {
    let values = tokens
        .iter()
        .rev()
        .take_while(|t| matches!(parse_cell(t), CellValue::Number(..) | CellValue::Dash))
        .count();
    let first = tokens.len() - values;
    let numbers = tokens[first..]
        .iter()
        .filter(|t| matches!(parse_cell(t), CellValue::Number(..)))
        .count();
    // A lone dash ends prose as often as it fills a cell.
    if numbers == 0 && values < 2 {
        return None;
    }
    let label_chars = tokens[..first]
        .iter()
        .map(|t| t.chars().count())
        .sum::<usize>()
        + first.saturating_sub(1);
    if (first == 0 && values < 2) || label_chars > MAX_LABEL_CHARS {
        return None;
    }
    Some(first)
}

/// Whether a line of a page's header or footer is its page number (`- 3 -`, `Page 3 of 10`):
/// ASCII, ending in at most one number. A row of values there (a table going on over the
/// page) is none.
pub(super) fn is_page_number(line: &Line) -> bool {
    let tokens: Vec<&str> = line.words.iter().map(|w| w.text.as_str()).collect();
    let numbers = |values: &[&str]| {
        values
            .iter()
            .filter(|t| matches!(parse_cell(t), CellValue::Number(..)))
            .count()
    };
    line.text.is_ascii() && values_start(&tokens).is_none_or(|v| numbers(&tokens[v..]) <= 1)
}

/// A line of a region: a row (label and value words) or text.
struct RegionLine<'l> {
    line: &'l Line,
    /// Where its values start in `line.words`, for a row.
    values: Option<usize>,
}

impl RegionLine<'_> {
    fn value_words(&self) -> &[Word] {
        self.values.map_or(&[], |v| &self.line.words[v..])
    }

    /// The words before its values; all of them, for text.
    fn label_words(&self) -> &[Word] {
        &self.line.words[..self.values.unwrap_or(self.line.words.len())]
    }
}

/// The row a label word of a text line between two rows is part of (step 6).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Owner {
    Above,
    Below,
    /// Text of its own line.
    Neither,
}

/// A gap between lines of one column wider than this many font sizes parts two cells (the
/// lines of a cell follow one another about 1.2 font sizes apart, the rows of a table with
/// single-line labels 1.5).
const CELL_GAP: f32 = 2.0;

/// A gap between lines of one column of at most this many font sizes is between two lines
/// of one cell.
const LINE_GAP: f32 = 1.35;

/// Which row the label word `word` of the text line `k` of a region is part of: the row
/// `above` or `below` it (either may be missing: the region starts or ends in text). Its
/// column (the label words over it, from the row above to the row below, which stand where
/// their label word over it or else their values are) is cut at gaps wider than
/// [`CELL_GAP`] into cells. The part that reaches only the row above or only the row below
/// is that row's label when it lies from that row's line by gaps of lines of a cell
/// ([`LINE_GAP`]) or that row has no label word in the column (its label is printed around
/// its values, not beside them: text further from a label beside its values may be a row of
/// blank cells); a part between is a row of its own. A
/// part reaching both (no gap parts them, as in a table whose rows are one line each) is
/// the row's below only when it is the line right above a row without label words over it
/// (its label printed above its values, or around them beside a group label in a column of
/// its own), and the row's above when it is the line right below a row without label words
/// over it, lines of one cell apart, and the row below has its own there. Text before the
/// first row is its label.
fn owner(
    region: &[RegionLine<'_>],
    k: usize,
    word: &Word,
    above: Option<usize>,
    below: Option<usize>,
) -> Owner {
    let Some(a) = above else {
        return if below.is_some() {
            Owner::Below
        } else {
            Owner::Neither
        };
    };
    // The baseline of a line's label word over `word`.
    let over = |l: &RegionLine<'_>| {
        l.label_words()
            .iter()
            .find(|w| overlap((w.left, w.right), (word.left, word.right)))
            .map(|w| w.top)
    };
    // Where a row stands in the column: its label word there, else its values.
    let at = |r: usize| {
        let row = &region[r];
        over(row).unwrap_or_else(|| row.value_words().first().map_or(row.line.top, |w| w.top))
    };
    let end = below.unwrap_or(region.len() - 1);
    // Whether a wide gap lies between the row above and the word, and between the word and
    // the row below (or the region's end).
    let (mut before, mut after) = (false, false);
    // Whether the lines from the row above to the word, and from the word to the row below,
    // are a cell's.
    let (mut close, mut close_below) = (true, true);
    let mut previous = at(a);
    for (j, line) in region.iter().enumerate().take(end + 1).skip(a + 1) {
        let top = match over(line) {
            Some(top) => top,
            None if Some(j) == below => at(j),
            None => continue,
        };
        let size = line.line.size.max(1.0);
        let wide = top - previous > CELL_GAP * size;
        if j <= k {
            before |= wide;
            close &= top - previous <= LINE_GAP * size;
        } else {
            after |= wide;
            close_below &= top - previous <= LINE_GAP * size;
        }
        previous = top;
    }
    let after = after || below.is_none();
    match (before, after, below) {
        (false, true, _) if close || over(&region[a]).is_none() => Owner::Above,
        (true, false, Some(b)) if close_below || over(&region[b]).is_none() => Owner::Below,
        (false, false, Some(b)) if b == k + 1 && over(&region[b]).is_none() => Owner::Below,
        (false, false, Some(b))
            if a + 1 == k && close && over(&region[a]).is_none() && over(&region[b]).is_some() =>
        {
            Owner::Above
        }
        _ => Owner::Neither,
    }
}

/// The label of each line of a region (step 6): a row's, its label words and the words of
/// text lines given to it ([`owner`]), column by column from the left; a text line's, its
/// words given to no row (empty when all were).
fn labels(region: &[RegionLine<'_>]) -> Vec<String> {
    let rows: Vec<usize> = (0..region.len())
        .filter(|&k| region[k].values.is_some())
        .collect();
    let mut words: Vec<Vec<(usize, &Word)>> = region
        .iter()
        .enumerate()
        .map(|(k, l)| {
            let own = if l.values.is_some() {
                l.label_words()
            } else {
                &[]
            };
            own.iter().map(|w| (k, w)).collect()
        })
        .collect();
    for (k, line) in region.iter().enumerate() {
        if line.values.is_some() {
            continue;
        }
        let above = rows.iter().rev().find(|&&r| r < k).copied();
        let below = rows.iter().find(|&&r| r > k).copied();
        for w in line.label_words() {
            let to = match owner(region, k, w, above, below) {
                Owner::Above => above,
                Owner::Below => below,
                Owner::Neither => None,
            };
            words[to.unwrap_or(k)].push((k, w));
        }
    }
    words.into_iter().map(columnwise).collect()
}

/// Words (with their lines) joined column by column from the left (words that overlap, or
/// overlap one that does, are a column), each column top to bottom.
fn columnwise(mut words: Vec<(usize, &Word)>) -> String {
    words.sort_by(|a, b| a.1.left.total_cmp(&b.1.left));
    let mut columns: Vec<(f32, Vec<(usize, &Word)>)> = Vec::new();
    for (k, w) in words {
        match columns.last_mut() {
            Some((right, column)) if w.left < *right => {
                *right = right.max(w.right);
                column.push((k, w));
            }
            _ => columns.push((w.right, vec![(k, w)])),
        }
    }
    columns
        .into_iter()
        .flat_map(|(_, mut column)| {
            column.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.left.total_cmp(&b.1.left)));
            column.into_iter().map(|(_, w)| w.text.as_str())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether two extents overlap.
fn overlap(a: (f32, f32), b: (f32, f32)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// The tables without rules among a page's lines (top to bottom), and the lines left.
/// `continued` are the value columns of a table without rules that ended the previous page:
/// the first region takes them when its values fit them.
pub(super) fn tables(mut lines: Vec<Line>, continued: &[(f32, f32)]) -> (Vec<Table>, Vec<Line>) {
    // Rows, and lines of a single value (a row of a table, not the start of one).
    let (mut starts, rows): (Vec<bool>, Vec<Option<usize>>) = lines
        .iter()
        .map(|l| {
            let tokens: Vec<&str> = l.words.iter().map(|w| w.text.as_str()).collect();
            match values_start(&tokens) {
                Some(start) => (true, Some(start)),
                None if tokens.len() == 1 && parse_cell(tokens[0]).is_value() => (false, Some(0)),
                None => (false, None),
            }
        })
        .unzip();
    // A single value with its label printed around it starts a table.
    for k in 1..lines.len().saturating_sub(1) {
        let text = |j: usize| rows[j].is_none().then_some(&lines[j]);
        if let (Some(0), Some(above), Some(below)) = (rows[k], text(k - 1), text(k + 1)) {
            starts[k] |= label_around(above, &lines[k], below);
        }
    }
    let mut in_table = vec![false; lines.len()];
    let mut found = Vec::new();
    // Each row cut looks at its region again: a bounded number of them.
    let mut cuts_left = MAX_CUT_ROWS;
    let mut i = 0;
    while i < lines.len() {
        if !starts[i] {
            i += 1;
            continue;
        }
        let mut end = region_end(&lines, &rows, i);
        let region: Vec<RegionLine<'_>> = (i..end)
            .map(|k| RegionLine {
                line: &lines[k],
                values: rows[k],
            })
            .collect();
        // A row with digits over two columns is cut where its glyphs meet the columns, when
        // they tell where; otherwise it ends the region, and is left as a line.
        let bridge = bridging_row(&region);
        // The first region of the page may continue the table of the previous page.
        let carried = found.is_empty().then_some(continued);
        let cut = bridge
            .filter(|_| cuts_left > 0)
            .and_then(|b| cut_bridging(&region, b, carried.unwrap_or_default()));
        if let Some(cut) = cut {
            let b = i + bridge.unwrap_or_default();
            drop(region);
            lines[b] = cut;
            cuts_left -= 1;
            continue;
        }
        let bridge = bridge.map(|b| i + b);
        if let Some(b) = bridge {
            end = b;
        }
        let header_start = (0..i)
            .rev()
            .take(MAX_HEADER_LINES)
            .take_while(|&h| rows[h].is_none() && !in_table[h] && is_label_sized(&lines[h]))
            .last()
            .unwrap_or(i);
        let region = &region[..end - i];
        // The label of a first row without one is the line above, left of the values.
        let value_left = region
            .iter()
            .flat_map(|l| l.value_words())
            .map(|w| w.left)
            .fold(f32::INFINITY, f32::min);
        let left_of_values = |l: &Line| l.words.iter().all(|w| w.right < value_left);
        let label_above = header_start < i && rows[i] == Some(0) && left_of_values(&lines[i - 1]);
        let mut first = if label_above { i - 1 } else { i };
        // The label's lines above it, as lines of one cell follow one another.
        while first > header_start
            && left_of_values(&lines[first - 1])
            && lines[first].top - lines[first - 1].top <= LINE_GAP * lines[first].size.max(1.0)
        {
            first -= 1;
        }
        let end = if bridge.is_none() {
            trailing_labels(&lines, &rows, first, end, value_left)
        } else {
            end
        };
        let region: Vec<RegionLine<'_>> = (first..end)
            .map(|k| RegionLine {
                line: &lines[k],
                values: rows[k],
            })
            .collect();
        let header: Vec<&Line> = lines[header_start..first].iter().collect();
        if let Some(table) = (end > i).then(|| grid(&region, &header, carried)).flatten() {
            in_table[first..end].iter_mut().for_each(|t| *t = true);
            found.push(table);
        }
        i = bridge.map_or(end, |b| b + 1);
    }
    let rest = lines
        .into_iter()
        .zip(in_table)
        .filter(|(_, t)| !t)
        .map(|(l, _)| l)
        .collect();
    (found, rest)
}

/// Whether `line`, a single value, has its label printed around it: text lines right above
/// and right below it, lines of one cell apart ([`LINE_GAP`]), left of it.
pub(super) fn label_around(above: &Line, line: &Line, below: &Line) -> bool {
    let (Some(value), size) = (line.words.first(), line.size.max(1.0)) else {
        return false;
    };
    let beside = |l: &Line| is_label_sized(l) && l.words.iter().all(|w| w.right < value.left);
    beside(above)
        && beside(below)
        && line.top - above.top <= LINE_GAP * size
        && below.top - line.top <= LINE_GAP * size
}

/// The end of the region `first..end` taken on over the text lines after it whose words are
/// all its last row's label ([`owner`]: printed under its values); at most
/// [`MAX_TEXT_BETWEEN`] label-sized lines left of the values (`value_left`) are looked at.
fn trailing_labels(
    lines: &[Line],
    rows: &[Option<usize>],
    first: usize,
    end: usize,
    value_left: f32,
) -> usize {
    let after = lines[end..]
        .iter()
        .zip(&rows[end..])
        .take(MAX_TEXT_BETWEEN)
        .take_while(|(l, r)| {
            r.is_none() && is_label_sized(l) && l.words.iter().all(|w| w.right < value_left)
        })
        .count();
    let region: Vec<RegionLine<'_>> = (first..end + after)
        .map(|k| RegionLine {
            line: &lines[k],
            values: rows[k],
        })
        .collect();
    let labels = labels(&region);
    end + labels[end - first..]
        .iter()
        .take_while(|l| l.is_empty())
        .count()
}

/// Whether a line is short enough to be a label or a header.
fn is_label_sized(line: &Line) -> bool {
    line.text.chars().count() <= MAX_LABEL_CHARS
}

/// The end (exclusive) of the region whose first row is `start`: past its last row, or the
/// end of the page.
fn region_end(lines: &[Line], rows: &[Option<usize>], start: usize) -> usize {
    let mut value_left = f32::INFINITY;
    let mut last_row = start;
    let mut k = start;
    while k < lines.len() && k - last_row <= MAX_TEXT_BETWEEN {
        let line = &lines[k];
        match rows[k] {
            Some(v) => {
                last_row = k;
                for w in &line.words[v..] {
                    value_left = value_left.min(w.left);
                }
            }
            None => {
                if !is_label_sized(line) || line.words.iter().any(|w| w.right > value_left) {
                    return last_row + 1;
                }
            }
        }
        k += 1;
    }
    // Labels down to the end of the page are the table's: it goes on over the page.
    if k == lines.len() {
        k
    } else {
        last_row + 1
    }
}

/// The first row of a region with a value word over two narrower ones that stand apart (digits of
/// neighbouring cells printed without a gap: `217` and `1` read as `2171`). Which digits are
/// whose is not known from the word: the row is left as a line, for the solver.
fn bridging_row(region: &[RegionLine<'_>]) -> Option<usize> {
    let extents: Vec<(f32, f32)> = region
        .iter()
        .flat_map(|l| l.value_words())
        .map(|w| (w.left, w.right))
        .filter(|e| e.1 > e.0)
        .collect();
    // Each word is compared with every other: a bounded number of them.
    if extents.len() > MAX_BRIDGE_WORDS {
        return None;
    }
    region.iter().position(|l| {
        l.value_words().iter().any(|w| {
            let width = w.right - w.left;
            // Two of the narrower words it overlaps stand apart when one ends before the
            // other starts.
            let (first_end, last_start) = extents
                .iter()
                .filter(|&&e| e.1 - e.0 < width && overlap(e, (w.left, w.right)))
                .fold((f32::INFINITY, f32::NEG_INFINITY), |(end, start), e| {
                    (end.min(e.1), start.max(e.0))
                });
            first_end <= last_start
        })
    })
}

/// The most rows of a page cut between their glyphs ([`cut_bridging`]).
const MAX_CUT_ROWS: usize = 64;

/// The most glyphs of a word cut into numbers.
const MAX_CUT_GLYPHS: usize = 32;

/// The most columns a word is cut into.
const MAX_CUT_COLUMNS: usize = 4;

/// How far apart (in points) the edges of numbers aligned in a column may lie.
const ALIGNED: f32 = 0.5;

/// The line of row `b` of a region ([`bridging_row`]) with each value word over two or
/// more columns cut between its glyphs into one number per column, when exactly one cut
/// fits: the columns are those the region's narrower values over the word make, with the
/// value columns `carried` from the table it continues (overlapping extents are one), and
/// each part must overlap its column only, share the edges the
/// column's values share (left-, right-aligned or centred numbers) and be a number of its
/// own (no leading zero). `None` when a word has no single such cut, or none was cut.
fn cut_bridging(region: &[RegionLine<'_>], b: usize, carried: &[(f32, f32)]) -> Option<Line> {
    let row = &region[b];
    let others: Vec<(f32, f32)> = region
        .iter()
        .enumerate()
        .filter(|&(k, _)| k != b)
        .flat_map(|(_, l)| l.value_words())
        .map(|w| (w.left, w.right))
        .chain(carried.iter().copied())
        .collect();
    let mut words = row.line.words[..row.values?].to_vec();
    for word in row.value_words() {
        words.extend(cut_word(word, &others)?);
    }
    if words.len() == row.line.words.len() {
        return None;
    }
    Some(Line::new(row.line.top, row.line.size, words))
}

/// A value column under a word that bridges columns: its extent and which edges its values
/// share (left, right, centre).
struct Under {
    extent: (f32, f32),
    shared: [bool; 3],
}

/// The edges of an extent: left, right, centre.
fn edges(e: (f32, f32)) -> [f32; 3] {
    [e.0, e.1, (e.0 + e.1) / 2.0]
}

/// `word` cut into one number per column that the narrower extents of `others` over it make
/// (see [`cut_bridging`]); itself when they make one column; `None` when no single cut fits
/// (or it has more than [`MAX_CUT_GLYPHS`] glyphs or [`MAX_CUT_COLUMNS`] columns).
fn cut_word(word: &Word, others: &[(f32, f32)]) -> Option<Vec<Word>> {
    let width = word.right - word.left;
    let mut over: Vec<(f32, f32)> = others
        .iter()
        .copied()
        .filter(|&e| e.1 - e.0 < width && overlap(e, (word.left, word.right)))
        .collect();
    over.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut groups: Vec<Vec<(f32, f32)>> = Vec::new();
    for e in over {
        match groups.last_mut() {
            Some(g) if g.iter().any(|&o| overlap(o, e)) => g.push(e),
            _ => groups.push(vec![e]),
        }
    }
    if groups.len() < 2 {
        return Some(vec![word.clone()]);
    }
    // The cuts tried grow with the glyphs and columns: a number of a few cells only.
    if word.glyphs.len() > MAX_CUT_GLYPHS || groups.len() > MAX_CUT_COLUMNS {
        return None;
    }
    let columns: Vec<Under> = groups
        .iter()
        .map(|g| {
            let extent = g.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |a, e| {
                (a.0.min(e.0), a.1.max(e.1))
            });
            let shared = std::array::from_fn(|edge| {
                let at = g.iter().map(|&e| edges(e)[edge]);
                let (low, high) = at.fold((f32::INFINITY, f32::NEG_INFINITY), |a, x| {
                    (a.0.min(x), a.1.max(x))
                });
                high - low <= ALIGNED
            });
            Under { extent, shared }
        })
        .collect();
    // Every way to cut the glyphs into one part per column that fits it.
    let glyphs = &word.glyphs;
    let fits = |from: usize, to: usize, c: usize| {
        let (start, end) = (
            glyphs[from].0,
            glyphs.get(to).map_or(word.text.len(), |g| g.0),
        );
        let text = &word.text[start..end];
        let extent = (glyphs[from].1, glyphs[to - 1].2);
        let column = &columns[c];
        let alone = columns
            .iter()
            .enumerate()
            .all(|(o, other)| (o == c) == overlap(other.extent, extent));
        let aligned = (0..3).all(|edge| {
            !column.shared[edge]
                || (edges(extent)[edge] - edges(column.extent)[edge]).abs() <= ALIGNED
        });
        let number = matches!(parse_cell(text), CellValue::Number(..))
            && (text == "0" || !text.starts_with('0'));
        alone && aligned && number
    };
    let mut found: Vec<Vec<usize>> = Vec::new();
    let mut cuts = vec![0];
    cut_parts(glyphs.len(), columns.len(), &fits, &mut cuts, &mut found);
    let [cuts] = <[Vec<usize>; 1]>::try_from(found).ok()?;
    Some(
        cuts.windows(2)
            .map(|p| {
                let (from, to) = (p[0], p[1]);
                let end = glyphs.get(to).map_or(word.text.len(), |g| g.0);
                Word {
                    text: word.text[glyphs[from].0..end].to_string(),
                    left: glyphs[from].1,
                    right: glyphs[to - 1].2,
                    top: word.top,
                    glyphs: glyphs[from..to]
                        .iter()
                        .map(|&(i, l, r)| (i - glyphs[from].0, l, r))
                        .collect(),
                }
            })
            .collect(),
    )
}

/// Extends `cuts` (glyph indices where parts start, the first 0) by the parts left for
/// columns `cuts.len() - 1..columns` in every way each fits its column, pushing each full
/// cut (with `glyphs` at its end) to `found`; stops at two.
fn cut_parts(
    glyphs: usize,
    columns: usize,
    fits: &dyn Fn(usize, usize, usize) -> bool,
    cuts: &mut Vec<usize>,
    found: &mut Vec<Vec<usize>>,
) {
    let (from, column) = (*cuts.last().unwrap_or(&0), cuts.len() - 1);
    if column + 1 == columns {
        if fits(from, glyphs, column) {
            let mut full = cuts.clone();
            full.push(glyphs);
            found.push(full);
        }
        return;
    }
    for to in from + 1..glyphs {
        if found.len() > 1 {
            return;
        }
        if fits(from, to, column) {
            cuts.push(to);
            cut_parts(glyphs, columns, fits, cuts, found);
            cuts.pop();
        }
    }
}

/// The columns of a region: disjoint extents, left to right; `None` when not clean.
fn columns(region: &[RegionLine<'_>], header: &[&Line]) -> Option<Vec<(f32, f32)>> {
    let mut extents: Vec<(f32, f32)> = region
        .iter()
        .flat_map(|l| l.value_words())
        .map(|w| (w.left, w.right))
        .collect();
    extents.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut columns: Vec<(f32, f32)> = Vec::new();
    for (left, right) in extents {
        if columns.len() > MAX_COLUMNS {
            return None;
        }
        match columns.last_mut() {
            Some(c) if left < c.1 => c.1 = c.1.max(right),
            _ => columns.push((left, right)),
        }
    }
    let first_left = columns.first()?.0;
    for (k, line) in header.iter().enumerate().rev() {
        // Whether a header line below `line` has a word over the column `c`.
        let headed = |c: &(f32, f32)| {
            header[k + 1..]
                .iter()
                .any(|l| l.words.iter().any(|w| overlap(*c, (w.left, w.right))))
        };
        // A word over two columns spans them (a group header) or is prose, and so does one
        // between two columns with headers of their own below it: the header ends.
        let spans = |w: &Word| {
            let mut over = columns.iter().filter(|&&c| overlap(c, (w.left, w.right)));
            let (left, right) = (
                columns.iter().rev().find(|c| c.1 <= w.left),
                columns.iter().find(|c| c.0 >= w.right),
            );
            match (over.next(), over.next()) {
                (Some(_), second) => second.is_some(),
                (None, _) => left.zip(right).is_some_and(|(l, r)| headed(l) && headed(r)),
            }
        };
        if line.words.iter().any(spans) {
            break;
        }
        for w in &line.words {
            let extent = (w.left, w.right);
            if columns.len() > MAX_COLUMNS {
                return None;
            }
            if (w.left + w.right) / 2.0 > first_left && !columns.iter().any(|&c| overlap(c, extent))
            {
                columns.push(extent);
            }
        }
        columns.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    (columns.len() <= MAX_COLUMNS).then_some(columns)
}

/// The value of each column of a row, when each of its values overlaps exactly one column and
/// no column has two.
fn place<'w>(words: &'w [Word], columns: &[(f32, f32)]) -> Option<Vec<Option<&'w str>>> {
    let mut cells = vec![None; columns.len()];
    for w in words {
        let mut hits = columns
            .iter()
            .enumerate()
            .filter(|(_, &c)| overlap(c, (w.left, w.right)));
        let (Some((c, _)), None) = (hits.next(), hits.next()) else {
            return None;
        };
        if cells[c].replace(w.text.as_str()).is_some() {
            return None;
        }
    }
    Some(cells)
}

/// The value of each column of each row of a region (`None` for its text lines), when each
/// value overlaps exactly one column and no column has two values of one row.
fn place_rows<'r>(
    region: &'r [RegionLine<'_>],
    columns: &[(f32, f32)],
) -> Option<Vec<Option<Vec<Option<&'r str>>>>> {
    region
        .iter()
        .map(|l| match l.values {
            Some(_) => place(l.value_words(), columns).map(Some),
            None => Some(None),
        })
        .collect()
}

/// Whether `text` may be a number cut short: it starts with a digit other than 0.
fn cut_short(text: &str) -> bool {
    text.starts_with(|c: char| ('1'..='9').contains(&c))
}

/// Whether `part` may go on a number cut short: it starts with a digit.
fn goes_on(part: &str) -> bool {
    part.starts_with(|c: char| c.is_ascii_digit())
}

/// Joins a line of `values` without a label to `row`, the row of the line above, when it
/// continues it: a number wrapped in a narrow cell prints its last digits on the next line
/// (or the next page), under the first ones. Not when the line is a row of its own: it has
/// a value under a blank cell of `row` or under a `0` or dash (no number starts so), or as
/// many values as `row` has (a row whose label spans the one above).
fn join_wrapped(row: &mut [Cell], values: &[Option<&str>]) -> bool {
    let Some(label_cells) = row.len().checked_sub(values.len()) else {
        return false;
    };
    let cells = &mut row[label_cells..];
    let filled = cells.iter().filter(|c| !c.text.is_empty()).count();
    let parts: Vec<(usize, &str)> = values
        .iter()
        .enumerate()
        .filter_map(|(c, v)| v.map(|v| (c, v)))
        .collect();
    if parts.len() >= filled
        || !parts
            .iter()
            .all(|&(c, part)| cut_short(&cells[c].text) && goes_on(part))
    {
        return false;
    }
    for (c, part) in parts {
        cells[c].text.push_str(part);
    }
    true
}

/// Joins a line of `values` to the rows `out[first]` and `out[first + 1]` of the two lines
/// right above it (a table without labels), when the three are one row: a number wrapped in
/// a narrow cell of a row whose other numbers print on one line, centred on the cell's
/// height, prints its first digits above that line and its last below, in cells it leaves
/// blank. So `values` and the first row stand in the same columns, which are blank in the
/// second, each part of the first a number cut short ([`cut_short`]) and each of `values`
/// going on in digits ([`goes_on`]); the first row is then joined into the second.
fn join_centred(out: &mut Vec<Vec<Cell>>, first: usize, values: &[Option<&str>]) -> bool {
    let [top, middle] = &out[first..] else {
        return false;
    };
    let fits = top.len() == values.len()
        && middle.len() == values.len()
        && values.iter().any(Option::is_some)
        && values
            .iter()
            .zip(top)
            .zip(middle)
            .all(|((v, t), m)| match v {
                Some(v) => cut_short(&t.text) && goes_on(v) && m.text.is_empty(),
                None => t.text.is_empty(),
            });
    if !fits {
        return false;
    }
    let top = out.remove(first);
    for ((cell, start), end) in out[first].iter_mut().zip(top).zip(values) {
        if let Some(end) = end {
            cell.text = format!("{}{end}", start.text);
        }
    }
    true
}

/// Appends `next`, the part of `table` on the next page, to it. Its first row, when it has
/// no label and continues numbers wrapped in the last row ([`join_wrapped`]: the cells broke
/// over the page), is joined to that row.
pub(super) fn append(table: &mut Table, next: Table) {
    let mut rows = next.rows.into_iter().peekable();
    if let (Some(last), Some(first)) = (table.rows.last_mut(), rows.peek()) {
        let values: Vec<Option<&str>> = first
            .iter()
            .map(|c| Some(c.text.as_str()).filter(|t| !t.is_empty()))
            .collect();
        let unlabelled = !next.value_columns.is_empty() && first.len() == next.value_columns.len();
        if unlabelled && join_wrapped(last, &values) {
            rows.next();
        }
    }
    table.rows.extend(rows);
}

/// The grid of a region, when its columns are clean: those of the table it continues
/// (`carried`, from the previous page) when its values fit them, else its own.
fn grid(
    region: &[RegionLine<'_>],
    header: &[&Line],
    carried: Option<&[(f32, f32)]>,
) -> Option<Table> {
    let continued = carried
        .filter(|c| !c.is_empty())
        .and_then(|c| Some((c.to_vec(), place_rows(region, c)?)));
    let (columns, placed) = match continued {
        Some(continued) => continued,
        None => {
            let rows = region.iter().filter(|l| l.values.is_some()).count();
            if rows < 2 && header.is_empty() {
                return None;
            }
            let columns = columns(region, header)?;
            let placed = place_rows(region, &columns)?;
            (columns, placed)
        }
    };
    let labels = labels(region);
    let labelled = labels.iter().any(|l| !l.is_empty());
    let cell = |text: String| Cell {
        text,
        colspan: 1,
        rowspan: 1,
    };
    let mut out: Vec<Vec<Cell>> = Vec::new();
    // The last row with a label and values, while nothing else followed it.
    let mut continued: Option<usize> = None;
    // The row of the line right above, when that line had values.
    let mut row_above: Option<usize> = None;
    // The row of the line above that one and its top, when it had values too (a table
    // without labels).
    let mut row_two_above: Option<(usize, f32)> = None;
    let mut top_above = region[0].line.top;
    for ((values, label), line) in placed.into_iter().zip(labels).zip(region) {
        let Some(values) = values else {
            row_above = None;
            if !label.is_empty() {
                out.push(vec![cell(label)]);
                continued = None;
            }
            continue;
        };
        let wrapped =
            label.is_empty() && row_above.is_some_and(|r| join_wrapped(&mut out[r], &values));
        let centred = !labelled
            && row_two_above.is_some_and(|(r, top)| {
                line.line.top - top <= 2.0 * LINE_GAP * line.line.size.max(1.0)
                    && join_centred(&mut out, r, &values)
            });
        if wrapped || centred {
            // A row is continued once: a line under it after that is a row.
            row_above = None;
            row_two_above = None;
            continue;
        }
        let mut row = Vec::new();
        if labelled {
            match (label.is_empty(), continued) {
                (false, _) => row.push(cell(label)),
                // The label of the row above spans this one: its values follow it.
                (true, Some(above)) => out[above][0].rowspan += 1,
                (true, None) => return None,
            }
        }
        row.extend(
            values
                .into_iter()
                .map(|v| cell(v.unwrap_or_default().to_string())),
        );
        if row.len() > columns.len() {
            continued = Some(out.len());
        }
        row_two_above = row_above.filter(|_| !labelled).map(|r| (r, top_above));
        row_above = Some(out.len());
        top_above = line.line.top;
        out.push(row);
    }
    // The value columns' edges: a table continued on the next page has the same.
    let mut edges: Vec<f32> = columns.iter().map(|c| c.0).collect();
    edges.extend(columns.last().map(|c| c.1));
    Some(Table {
        top: region[0].line.top,
        columns: edges,
        rows: out,
        value_columns: columns,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A line at `top` of words (text, left), each 6 points wide per character.
    fn line(top: f32, words: &[(&str, f32)]) -> Line {
        let words: Vec<Word> = words
            .iter()
            .map(|&(text, left)| Word {
                text: text.into(),
                left,
                top,
                right: left + 6.0 * text.chars().count() as f32,
                glyphs: text
                    .char_indices()
                    .enumerate()
                    .map(|(n, (i, _))| (i, left + 6.0 * n as f32, left + 6.0 * (n + 1) as f32))
                    .collect(),
            })
            .collect();
        Line::new(top, 10.0, words)
    }

    #[test]
    fn right_aligned_numbers_make_columns_and_more_than_the_limit_none() {
        let lines = vec![
            // Prose above the table, its year a word in the gap between two columns: no
            // column, as its other word spans two.
            line(
                85.0,
                &[
                    ("截至", 60.0),
                    ("2023", 130.0),
                    ("年底本机关共计有效文件数", 160.0),
                ],
            ),
            line(
                100.0,
                &[("甲", 10.0), ("1234", 100.0), ("5", 168.0), ("9", 220.0)],
            ),
            line(115.0, &[("乙", 10.0), ("7", 118.0)]),
        ];
        let (found, rest) = tables(lines, &[]);
        assert_eq!(rest.len(), 1);
        let texts: Vec<Vec<&str>> = found[0]
            .rows
            .iter()
            .map(|r| r.iter().map(|c| c.text.as_str()).collect())
            .collect();
        assert_eq!(
            texts,
            [vec!["甲", "1234", "5", "9"], vec!["乙", "7", "", ""]]
        );
        assert_eq!(
            found[0].value_columns,
            [(100.0, 124.0), (168.0, 174.0), (220.0, 226.0)]
        );

        // 70 columns of numbers: no table, the lines are left as they were.
        let wide: Vec<(String, f32)> = (0..70)
            .map(|i| ("1".to_string(), 20.0 * i as f32))
            .collect();
        let wide: Vec<(&str, f32)> = wide.iter().map(|(t, x)| (t.as_str(), *x)).collect();
        let (found, rest) = tables(vec![line(100.0, &wide), line(115.0, &wide)], &[]);
        assert!(found.is_empty());
        assert_eq!(rest.len(), 2);
    }

    /// The texts of a table's rows.
    fn texts(table: &Table) -> Vec<Vec<&str>> {
        table
            .rows
            .iter()
            .map(|r| r.iter().map(|c| c.text.as_str()).collect())
            .collect()
    }

    #[test]
    fn a_number_wrapped_in_its_cell_is_joined_on_the_page_and_over_a_page_break() {
        // 13 and 19 wrap in narrow cells: their last digits print on the next line.
        let lines = vec![
            line(100.0, &[("2", 100.0), ("1", 120.0), ("1", 140.0)]),
            line(112.0, &[("3", 120.0), ("9", 140.0)]),
            // A value under a blank cell, or under a 0 (no number starts with it): a row.
            line(124.0, &[("4", 100.0), ("0", 140.0)]),
            line(136.0, &[("6", 120.0)]),
            line(148.0, &[("7", 140.0)]),
        ];
        let (found, rest) = tables(lines, &[]);
        assert!(rest.is_empty());
        assert_eq!(
            texts(&found[0]),
            [
                vec!["2", "13", "19"],
                vec!["4", "", "0"],
                vec!["", "6", ""],
                vec!["", "", "7"]
            ]
        );

        // The row with its last digits at the top of the next page, a row after them.
        let (mut first, _) = tables(
            vec![
                line(700.0, &[("2", 100.0), ("1", 120.0), ("1", 140.0)]),
                line(712.0, &[("2", 100.0), ("1", 120.0), ("1", 140.0)]),
            ],
            &[],
        );
        let columns = first[0].value_columns.clone();
        let (mut next, _) = tables(
            vec![
                line(40.0, &[("3", 120.0), ("9", 140.0)]),
                line(52.0, &[("5", 100.0)]),
            ],
            &columns,
        );
        let (mut table, next) = (first.remove(0), next.remove(0));
        append(&mut table, next);
        assert_eq!(
            texts(&table),
            [
                vec!["2", "1", "1"],
                vec!["2", "13", "19"],
                vec!["5", "", ""]
            ]
        );
    }

    #[test]
    fn a_row_with_digits_over_two_columns_is_left_as_a_line() {
        let lines = vec![
            line(
                88.0,
                &[("项目", 10.0), ("A", 100.0), ("B", 130.0), ("C", 160.0)],
            ),
            line(
                100.0,
                &[("甲", 10.0), ("21", 100.0), ("1", 130.0), ("22", 160.0)],
            ),
            // 217 and 1 printed without a gap: one word over two columns.
            line(112.0, &[("乙", 10.0), ("2171", 110.0), ("218", 160.0)]),
            // The next row's label is the line above its values.
            line(124.0, &[("丙项", 10.0)]),
            line(136.0, &[("3", 100.0), ("0", 130.0), ("3", 160.0)]),
            line(
                148.0,
                &[("丁", 10.0), ("4", 100.0), ("0", 130.0), ("4", 160.0)],
            ),
        ];
        let (found, rest) = tables(lines, &[]);
        let rest: Vec<&str> = rest.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(rest, ["项目 A B C", "乙 2171 218"]);
        assert_eq!(texts(&found[0]), [["甲", "21", "1", "22"]]);
        assert_eq!(
            texts(&found[1]),
            [["丙项", "3", "0", "3"], ["丁", "4", "0", "4"]]
        );
    }

    #[test]
    fn a_label_printed_around_its_values_is_the_rows_and_a_blank_row_stays_its_own() {
        // Font size 10: lines of a cell 7 apart, cells 26.
        let lines = vec![
            line(100.0, &[("1.属于", 10.0)]),
            line(107.0, &[("4", 100.0), ("4", 140.0)]),
            line(114.0, &[("秘密", 10.0)]),
            line(140.0, &[("2.其他", 10.0)]),
            line(147.0, &[("行政法规", 10.0), ("0", 100.0), ("0", 140.0)]),
            line(154.0, &[("止公开", 10.0)]),
            // A row of blank cells: cells apart from the rows above and below.
            line(180.0, &[("3.空行", 10.0)]),
            line(206.0, &[("4.保护", 10.0), ("1", 100.0), ("1", 140.0)]),
        ];
        let (found, rest) = tables(lines, &[]);
        assert!(rest.is_empty());
        assert_eq!(
            texts(&found[0]),
            [
                vec!["1.属于 秘密", "4", "4"],
                vec!["2.其他 行政法规 止公开", "0", "0"],
                vec!["3.空行"],
                vec!["4.保护", "1", "1"],
            ]
        );
    }

    #[test]
    fn a_label_printed_around_its_values_beside_a_group_label_is_the_rows() {
        // Font size 10, rows 10 apart: the group label （六） is printed on the line of the
        // middle row's values, that row's own label above and below them.
        let lines = vec![
            line(100.0, &[("1.甲", 40.0), ("1", 100.0), ("1", 140.0)]),
            line(110.0, &[("2.乙上", 40.0)]),
            line(115.0, &[("（六）", 10.0), ("0", 100.0), ("0", 140.0)]),
            line(120.0, &[("下", 40.0)]),
            line(130.0, &[("3.丙", 40.0), ("2", 100.0), ("2", 140.0)]),
        ];
        let (found, rest) = tables(lines, &[]);
        assert!(rest.is_empty());
        assert_eq!(
            texts(&found[0]),
            [
                ["1.甲", "1", "1"],
                ["（六） 2.乙上 下", "0", "0"],
                ["3.丙", "2", "2"]
            ]
        );
    }

    #[test]
    fn a_single_value_with_its_label_around_it_is_a_table_and_takes_the_line_under_it() {
        let lines = vec![
            line(80.0, &[("信息内容", 10.0), ("本年收费金额", 100.0)]),
            line(100.0, &[("行政事业", 10.0)]),
            line(107.0, &[("18651.06", 100.0)]),
            line(114.0, &[("性收费", 10.0)]),
            // The next section: apart from the cell.
            line(140.0, &[("三、收到和处理", 10.0)]),
            line(160.0, &[("申请人情况", 100.0)]),
        ];
        let (found, rest) = tables(lines, &[]);
        assert_eq!(texts(&found[0]), [["行政事业 性收费", "18651.06"]]);
        let rest: Vec<&str> = rest.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            rest,
            ["信息内容 本年收费金额", "三、收到和处理", "申请人情况"]
        );
        // A lone number in prose (no label printed around it) starts none.
        let (found, _) = tables(
            vec![
                line(100.0, &[("截至年底", 10.0)]),
                line(107.0, &[("2024", 100.0)]),
            ],
            &[],
        );
        assert!(found.is_empty());
    }

    #[test]
    fn digits_over_two_columns_are_cut_where_their_glyphs_meet_the_columns() {
        // 217 and 1 printed without a gap: one word whose glyphs stand in the columns of the
        // left-aligned numbers above and below.
        let mut touching = line(112.0, &[("乙", 10.0), ("2171", 100.0), ("218", 160.0)]);
        let glyphs = [(0, 100.0, 106.0), (1, 106.0, 112.0), (2, 112.0, 118.0)];
        touching.words[1].glyphs = glyphs.into_iter().chain([(3, 130.0, 136.0)]).collect();
        touching.words[1].right = 136.0;
        let lines = vec![
            line(
                100.0,
                &[("甲", 10.0), ("21", 100.0), ("1", 130.0), ("22", 160.0)],
            ),
            touching,
            line(
                124.0,
                &[("丙", 10.0), ("3", 100.0), ("0", 130.0), ("3", 160.0)],
            ),
        ];
        let (found, rest) = tables(lines, &[]);
        assert!(rest.is_empty());
        assert_eq!(
            texts(&found[0]),
            [
                ["甲", "21", "1", "22"],
                ["乙", "217", "1", "218"],
                ["丙", "3", "0", "3"]
            ]
        );
    }

    #[test]
    fn a_group_header_narrower_than_its_gap_is_no_column_and_a_blank_columns_header_is() {
        // Glyphs printed narrow: the group header 乙组, centred over its columns, falls in
        // the gap between two columns with headers of their own under it.
        let lines = vec![
            line(80.0, &[("甲组", 110.0), ("乙组", 148.0)]),
            line(
                92.0,
                &[
                    ("A", 100.0),
                    ("B", 120.0),
                    ("C", 166.0),
                    ("D", 186.0),
                    ("E", 206.0),
                ],
            ),
            line(
                104.0,
                &[
                    ("甲", 10.0),
                    ("1", 100.0),
                    ("2", 120.0),
                    ("3", 166.0),
                    ("4", 186.0),
                ],
            ),
            line(116.0, &[("乙", 10.0), ("5", 100.0), ("6", 120.0)]),
        ];
        let (found, rest) = tables(lines, &[]);
        // The header's lines are left as lines.
        assert_eq!(rest.len(), 2);
        // E heads a column no row has a number in.
        assert_eq!(
            texts(&found[0]),
            [["甲", "1", "2", "3", "4", ""], ["乙", "5", "6", "", "", ""]]
        );
    }

    #[test]
    fn numbers_wrapped_around_a_row_of_one_line_numbers_are_joined_into_it() {
        // 13 and 19 wrap in narrow cells, centred on the row's height: 1 above, 3 below.
        let lines = vec![
            line(100.0, &[("1", 140.0), ("1", 180.0)]),
            line(106.0, &[("2", 100.0), ("1", 120.0), ("4", 160.0)]),
            line(112.0, &[("3", 140.0), ("9", 180.0)]),
        ];
        let (found, rest) = tables(lines, &[]);
        assert!(rest.is_empty());
        assert_eq!(texts(&found[0]), [["2", "1", "13", "4", "19"]]);
        // Rows apart, or a value under a blank cell of the first line: three rows.
        for below in [(150.0, "3", 140.0), (112.0, "3", 120.0)] {
            let lines = vec![
                line(100.0, &[("1", 140.0), ("1", 180.0)]),
                line(106.0, &[("2", 100.0), ("1", 120.0), ("4", 160.0)]),
                line(below.0, &[(below.1, below.2), ("9", 180.0)]),
            ];
            let (found, _) = tables(lines, &[]);
            assert_eq!(found[0].rows.len(), 3);
        }
    }

    #[test]
    fn page_numbers_end_in_one_number_and_a_row_of_values_is_none() {
        let page_number = |words: &[(&str, f32)]| is_page_number(&line(800.0, words));
        assert!(page_number(&[("-", 290.0), ("3", 300.0), ("-", 310.0)]));
        assert!(page_number(&[
            ("Page", 270.0),
            ("3", 300.0),
            ("of", 310.0),
            ("10", 330.0)
        ]));
        assert!(page_number(&[("12", 300.0)]));
        assert!(!page_number(&[("3", 120.0), ("9", 140.0)]));
        assert!(!page_number(&[("第", 280.0), ("3", 300.0), ("页", 310.0)]));
    }
}
