//! The columns a value of a row printed without its blank cells may stand in, from where the
//! text laid out in lines (`pdftotext -layout`) prints it under the column headers above it.
//!
//! `pdftotext -layout` does not keep distances: it gives each piece of text a character column
//! at least one past the end of every piece wholly left of it on the page, and otherwise
//! interpolates within the piece it starts under. So columns are kept in order page by page,
//! but a row's values drift by a column or more from their headers (a short value is pulled
//! left, a header of six characters pushes what follows it right). What survives is order:
//! the header text of the column left of a value's column ends before the value begins, and
//! the header text of the column right of it begins after the value ends. Hence:
//!
//! 1. **Header**: the label-sized lines above the row on its page (none across a page break:
//!    another page has other columns; so a text without form feeds, whose pages are not
//!    known, has no [`TextLayout`]) are taken one at a time from the row upward, until
//!    the column labels (`自然人` … `总计`, table 四's `结果维持` … ×3) are all found in order,
//!    left to right. A label may be one word, or pieces of a cell wrapped in it: a word and
//!    the word one space right of it on its line (`商业 企业`), or the nearest word below it
//!    that overlaps it (`社会` / `公益` / `组织`).
//! 2. **Anchors**: text whose column is known: the headers found, and the values of rows of
//!    the same columns on the same page that the solver has already read (a table continued
//!    on a page without its header is placed by the rows read there).
//! 3. **Windows**: a value may stand in column `j` when it begins at or after the end of every
//!    anchor of a column left of `j` and ends at or before the start of every anchor of a
//!    column right of it; these columns are a range. No anchor, a value that fits no column,
//!    or a row whose values were not placed, and the row has no windows.
//!
//! This holds where a header's text lies within its column, as in a ruled table. The windows
//! only narrow the placements the solver tries first, at each number of rules broken; when
//! none within them is found at the least number any reading reaches, the solver reads the
//! row without them (see [`crate::solve`]).

use crate::document::{PlacedLine, PlacedWord, TextLayout};

/// Label-sized lines above a row searched for its column headers.
const MAX_HEADER_LINES: usize = 60;
/// Pieces a wrapped column label may be printed in.
const MAX_LABEL_PIECES: usize = 4;

/// Text whose column is known: a column's header, or a value read in that column.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Anchor {
    column: usize,
    from: usize,
    to: usize,
}

/// For each of the `values` values of the row read as table `block`, the columns (first,
/// last; indices into `labels`, the columns' labels as printed) it may stand in; `None` when
/// its place is not known or nothing above it on its page tells its columns. What tells them
/// is the column headers above it, and the values of the rows `decided` (the block of each,
/// with the column of each of its values; rows of the same columns).
pub fn windows(
    layout: &TextLayout,
    block: usize,
    values: usize,
    labels: &[&str],
    decided: &[(usize, Vec<usize>)],
) -> Option<Vec<(usize, usize)>> {
    let row = placed_row(layout, block)?;
    if row.words.len() != values || values > labels.len() {
        return None;
    }
    let mut anchors = header_anchors(layout, row, labels).unwrap_or_default();
    for (other, columns) in decided {
        let Some(other) = placed_row(layout, *other) else {
            continue;
        };
        if other.page == row.page && other.words.len() == columns.len() {
            anchors.extend(other.words.iter().zip(columns).map(|(w, &column)| Anchor {
                column,
                from: w.from,
                to: w.to,
            }));
        }
    }
    if anchors.is_empty() {
        return None;
    }
    row.words
        .iter()
        .map(|value| window(value, &anchors, labels.len()))
        .collect()
}

/// The line of the row read as table `block`, its values as its words.
fn placed_row(layout: &TextLayout, block: usize) -> Option<&PlacedLine> {
    let i = layout.rows.binary_search_by_key(&block, |r| r.block).ok()?;
    Some(&layout.rows[i].at)
}

/// The headers of the columns `labels` above `row` on its page, as anchors.
fn header_anchors(layout: &TextLayout, row: &PlacedLine, labels: &[&str]) -> Option<Vec<Anchor>> {
    let above = layout.lines.partition_point(|l| l.line < row.line);
    let mut pool: Vec<&PlacedLine> = Vec::new();
    for line in layout.lines[..above].iter().rev().take(MAX_HEADER_LINES) {
        if line.page != row.page {
            break;
        }
        pool.insert(0, line);
        if let Some(headers) = find_headers(&pool, labels) {
            return Some(headers);
        }
    }
    None
}

/// The columns (of `columns`) value `v` may stand in by the `anchors`, as a range; `None`
/// when it fits none.
fn window(v: &PlacedWord, anchors: &[Anchor], columns: usize) -> Option<(usize, usize)> {
    let fits = |j: usize| {
        anchors
            .iter()
            .all(|a| (a.column >= j || a.to <= v.from) && (a.column <= j || v.to <= a.from))
    };
    let first = (0..columns).find(|&j| fits(j))?;
    let last = (first..columns).take_while(|&j| fits(j)).last()?;
    Some((first, last))
}

/// The header of every label in `lines` (top to bottom), in order left to right: for each
/// label, the leftmost spelling of it that begins at or after the end of the one before.
fn find_headers(lines: &[&PlacedLine], labels: &[&str]) -> Option<Vec<Anchor>> {
    let mut headers: Vec<Anchor> = Vec::with_capacity(labels.len());
    for (column, label) in labels.iter().enumerate() {
        let after = headers.last().map_or(0, |h| h.to);
        let found = lines
            .iter()
            .enumerate()
            .flat_map(|(l, line)| (0..line.words.len()).map(move |w| (l, w)))
            .filter(|&(l, w)| lines[l].words[w].from >= after)
            .filter_map(|(l, w)| spell(lines, label, column, l, w))
            .min_by_key(|h| h.from)?;
        headers.push(found);
    }
    Some(headers)
}

/// The header spelling `label` from word `w` of line `l` on: the word itself, or with the
/// pieces that continue it (the word one space right on its line, or else the nearest word
/// below that overlaps what is spelt so far).
fn spell(lines: &[&PlacedLine], label: &str, column: usize, l: usize, w: usize) -> Option<Anchor> {
    let first = &lines[l].words[w];
    let mut text = first.text.clone();
    let mut header = Anchor {
        column,
        from: first.from,
        to: first.to,
    };
    let (mut line, mut word) = (l, w);
    for _ in 0..MAX_LABEL_PIECES {
        if text == label {
            return Some(header);
        }
        if !label.starts_with(text.as_str()) {
            return None;
        }
        let words = &lines[line].words;
        let beside = words
            .get(word + 1)
            .filter(|next| next.from == words[word].to + 1)
            .map(|_| (line, word + 1));
        let below = || {
            lines
                .iter()
                .enumerate()
                .skip(line + 1)
                .find_map(|(l, below)| {
                    let w = below
                        .words
                        .iter()
                        .position(|b| b.from < header.to && header.from < b.to)?;
                    Some((l, w))
                })
        };
        (line, word) = beside.or_else(below)?;
        let piece = &lines[line].words[word];
        text.push_str(&piece.text);
        header = Anchor {
            column,
            from: header.from.min(piece.from),
            to: header.to.max(piece.to),
        };
    }
    (text == label).then_some(header)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::PlacedRow;

    /// A line with `words` at the given character columns.
    pub(crate) fn line_at(words: &[(usize, &str)]) -> String {
        let mut line = String::new();
        for (col, word) in words {
            let len = line.chars().count();
            line.push_str(&" ".repeat(col.saturating_sub(len).max(usize::from(len > 0))));
            line.push_str(word);
        }
        line
    }

    /// The layout of `lines`: every line a header line, except the last, a row of values.
    fn layout(lines: &[String]) -> TextLayout {
        let (last, above) = lines.split_last().unwrap();
        let placed = |i: usize, line: &str| PlacedLine {
            page: 0,
            line: i,
            words: line
                .split_whitespace()
                .map(|w| {
                    let from = line[..w.as_ptr() as usize - line.as_ptr() as usize]
                        .chars()
                        .count();
                    PlacedWord {
                        text: w.to_string(),
                        from,
                        to: from + w.chars().count(),
                    }
                })
                .collect(),
        };
        TextLayout {
            lines: above
                .iter()
                .enumerate()
                .map(|(i, l)| placed(i, l))
                .collect(),
            rows: vec![PlacedRow {
                block: 0,
                at: placed(above.len(), last),
            }],
        }
    }

    const T3: [&str; 7] = [
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    ];

    /// The seven headers of table 三 on one line, at the given columns.
    fn t3_header(cols: [usize; 7]) -> String {
        let words: Vec<(usize, &str)> = cols.into_iter().zip(T3).collect();
        line_at(&words)
    }

    #[test]
    fn values_stand_between_the_headers_of_their_neighbours() {
        // As pdftotext prints a 2019 table: 2 and 1 are pulled right of 法律服务机构's start
        // and 859 left of 总计's.
        let lines = [
            line_at(&[(44, "自然人"), (80, "总计")]),
            line_at(&[
                (50, "商业企业"),
                (55, "科研机构"),
                (60, "社会公益组织"),
                (67, "法律服务机构"),
                (74, "其他"),
            ]),
            line_at(&[(44, "821"), (48, "35"), (72, "2"), (76, "1"), (78, "859")]),
        ];
        let got = windows(&layout(&lines), 0, 5, &T3, &[]).unwrap();
        // 35 and 1 touch the headers left of them: they may stand in either column (the
        // order of the values and the rules decide).
        assert_eq!(got, vec![(0, 0), (0, 1), (4, 4), (5, 6), (6, 6)]);
        // A value between two headers' texts may stand in either column.
        let lines = [
            t3_header([10, 14, 19, 24, 31, 44, 50]),
            line_at(&[(10, "258"), (15, "12"), (40, "1"), (45, "1")]),
        ];
        let got = windows(&layout(&lines), 0, 4, &T3, &[]).unwrap();
        assert_eq!(got, vec![(0, 0), (1, 1), (4, 5), (5, 5)]);
    }

    #[test]
    fn labels_wrapped_in_their_cells_are_joined() {
        let lines = [
            line_at(&[(31, "自然"), (47, "社会"), (51, "法律")]),
            line_at(&[(37, "商业"), (42, "科研"), (70, "总计")]),
            line_at(&[(32, "人"), (47, "公益"), (51, "服务"), (63, "其他")]),
            line_at(&[(37, "企业"), (42, "机构")]),
            line_at(&[(47, "组织"), (51, "机构")]),
            line_at(&[(31, "821"), (37, "35"), (52, "2"), (64, "1"), (70, "859")]),
        ];
        let got = windows(&layout(&lines), 0, 5, &T3, &[]).unwrap();
        assert_eq!(got, vec![(0, 0), (1, 1), (4, 4), (5, 5), (6, 6)]);
        // A label printed with a space inside it.
        let lines = [
            "自然人 商业 企业 科研机构 社会公益组织 法律服务机构 其他 总计".to_string(),
            "  5".to_string(),
        ];
        assert_eq!(windows(&layout(&lines), 0, 1, &T3, &[]), Some(vec![(0, 0)]));
    }

    #[test]
    fn rows_read_on_a_page_without_the_header_place_the_others() {
        // Page 2 of a table: no header; the row read in block 0 (767 in column 0, 35 in 1,
        // 2 in 4, 1 in 5, 805 in 6) places the row of block 1.
        let read = line_at(&[(43, "767"), (47, "35"), (67, "2"), (72, "1"), (74, "805")]);
        let row = line_at(&[(44, "3"), (49, "1")]);
        let mut placed = layout(&[read, row]);
        placed.rows.insert(
            0,
            PlacedRow {
                block: 0,
                at: placed.lines.remove(0),
            },
        );
        placed.rows[1].block = 1;
        let decided = [(0, vec![0, 1, 4, 5, 6])];
        let got = windows(&placed, 1, 2, &T3, &decided).unwrap();
        assert_eq!(got, vec![(0, 0), (1, 4)]);
        assert_eq!(windows(&placed, 1, 2, &T3, &[]), None);
    }

    #[test]
    fn no_header_on_the_page_no_windows() {
        let header = t3_header([0, 4, 9, 14, 21, 28, 31]);
        let mut placed = layout(&[header.clone(), "  5".to_string()]);
        assert_eq!(windows(&placed, 0, 1, &T3, &[]), Some(vec![(0, 0)]));
        placed.rows[0].at.page = 1;
        assert_eq!(windows(&placed, 0, 1, &T3, &[]), None);
        // Values not placed as the row has them, or a label missing.
        let placed = layout(&[header, "  5".to_string()]);
        assert_eq!(windows(&placed, 0, 2, &T3, &[]), None);
        let lines = [
            "自然人 商业企业 科研机构 法律服务机构 其他 总计".to_string(),
            "  5".to_string(),
        ];
        assert_eq!(windows(&layout(&lines), 0, 1, &T3, &[]), None);
    }
}
