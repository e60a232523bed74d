//! Tables without ruling lines: columns cut from where the numbers stand.
//!
//! 1. A line that ends in values (numbers or dashes, see [`values_start`]) is a row: its
//!    leading words are the label, the value words keep their x extents. A line of a single
//!    value is a row inside a region but starts none. Other lines are text.
//! 2. A region is a run of rows, with at most [`MAX_TEXT_BETWEEN`] text lines between two of
//!    them (a wrapped label, a group label); a text line with a word over the value columns (a
//!    header or a caption of the next block) ends it, and so does the end of the page (the
//!    text lines before it are the table's: it goes on over the page). Up to
//!    [`MAX_HEADER_LINES`] text lines right above its first row are its header (the lowest
//!    one, when it lies left of the values and that row has no label, is the row's). A row
//!    with a value word over two narrower ones that stand apart (digits of neighbouring cells
//!    printed without a gap, `217`+`1` as `2171`: [`bridging_row`]) ends the region and is
//!    left as a line: which digits are whose is the solver's to decide. A page number
//!    (`- 3 -`: ending in at most one number, [`is_page_number`]) in the page's header or
//!    footer is left out beforehand; a row of values there is the table's.
//! 3. Columns: the value words' extents of all its rows, sorted, where overlapping extents are
//!    one column (numbers of a column are right-aligned, centred or left-aligned, so their
//!    extents overlap). Then the header, from its lowest line up to one with a word over two
//!    columns (a group header, or prose): a word that overlaps no column, right of the first
//!    column's start, is a column no row has a number in.
//! 4. The clustering is clean when every value word overlaps exactly one column, no row
//!    has two values in one column and there are at most [`MAX_COLUMNS`]; otherwise (or with
//!    fewer than two rows and no header) the region is left as lines, which are read as label
//!    and values (the solver then says what cannot be placed).
//! 5. The first region of a page whose values fit the value columns of the table without
//!    rules that ended the previous page takes those columns: it continues that table.
//! 6. The grid: a row per row line, the label first (when any row has one), then a cell per
//!    column, blank where the row has no number. A row without a label takes the text line
//!    right above it as its label, or continues the label of the row above (a label printed
//!    over two lines around its values); other text lines are rows of their label only. A
//!    line of values without a label right under a row, each under a number of it, fewer
//!    than it has, continues its numbers (a number wrapped in a narrow cell), and so does
//!    such a first line of the table's part on the next page ([`append`]).

use super::grid::{Cell, Table};
use super::lines::{Line, Word};
use crate::items::MAX_LABEL_CHARS;
use crate::normalize::{parse_cell, CellValue};

/// The most text lines between two rows of one table.
const MAX_TEXT_BETWEEN: usize = 8;

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

    fn label(&self) -> String {
        let end = self.values.unwrap_or(self.line.words.len());
        join(&self.line.words[..end])
    }
}

/// Words joined by one space.
fn join(words: &[Word]) -> String {
    words
        .iter()
        .map(|w| w.text.as_str())
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
pub(super) fn tables(lines: Vec<Line>, continued: &[(f32, f32)]) -> (Vec<Table>, Vec<Line>) {
    // Rows, and lines of a single value (a row of a table, not the start of one).
    let (starts, rows): (Vec<bool>, Vec<Option<usize>>) = lines
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
    let mut in_table = vec![false; lines.len()];
    let mut found = Vec::new();
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
        // A row with digits over two columns ends the region, and is left as a line.
        let bridge = bridging_row(&region).map(|b| i + b);
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
        let label_above = header_start < i
            && rows[i] == Some(0)
            && lines[i - 1].words.iter().all(|w| w.right < value_left);
        let first = if label_above { i - 1 } else { i };
        let region: Vec<RegionLine<'_>> = (first..end)
            .map(|k| RegionLine {
                line: &lines[k],
                values: rows[k],
            })
            .collect();
        let header: Vec<&Line> = lines[header_start..first].iter().collect();
        let carried = found.is_empty().then_some(continued);
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
    for line in header.iter().rev() {
        // A word over two columns spans them (a group header) or is prose: the header ends.
        let spans = |w: &Word| {
            columns
                .iter()
                .filter(|&&c| overlap(c, (w.left, w.right)))
                .nth(1)
                .is_some()
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
    // A number cut short starts with a digit other than 0 and goes on in digits.
    let cut_short = |text: &str| text.starts_with(|c: char| ('1'..='9').contains(&c));
    let goes_on = |part: &str| part.starts_with(|c: char| c.is_ascii_digit());
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
    let labelled = region.iter().any(|l| l.values != Some(0));
    let cell = |text: String| Cell {
        text,
        colspan: 1,
        rowspan: 1,
    };
    let mut out: Vec<Vec<Cell>> = Vec::new();
    // A text line waiting to be a row's label or a row of its own.
    let mut pending_text: Option<String> = None;
    // The last row with a label and values, while nothing else followed it.
    let mut continued: Option<usize> = None;
    // The row of the line right above, when that line had values.
    let mut row_above: Option<usize> = None;
    for (line, values) in region.iter().zip(placed) {
        let Some(values) = values else {
            if let Some(text) = pending_text.replace(line.label()) {
                out.push(vec![cell(text)]);
                continued = None;
            }
            row_above = None;
            continue;
        };
        let wrapped =
            line.values == Some(0) && row_above.is_some_and(|r| join_wrapped(&mut out[r], &values));
        if wrapped {
            // A row is continued once: a line under it after that is a row.
            row_above = None;
            continue;
        }
        let mut row = Vec::new();
        if labelled {
            let label = match line.label() {
                label if !label.is_empty() => {
                    if let Some(text) = pending_text.take() {
                        out.push(vec![cell(text)]);
                    }
                    Some(label)
                }
                _ => pending_text.take(),
            };
            match (label, continued) {
                (Some(label), _) => row.push(cell(label)),
                // The label of the row above spans this one: its values follow it.
                (None, Some(above)) => out[above][0].rowspan += 1,
                (None, None) => return None,
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
        row_above = Some(out.len());
        out.push(row);
    }
    if let Some(text) = pending_text {
        out.push(vec![cell(text)]);
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
                right: left + 6.0 * text.chars().count() as f32,
            })
            .collect();
        Line {
            top,
            left: words[0].left,
            text: join(&words),
            words,
        }
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
