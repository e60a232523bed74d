//! Plain text → [`Document`]. Three layouts are told apart by their lines:
//!
//! - **tab-flattened** (`report.tab.txt`): each table cell is a line beginning with a TAB, a
//!   blank line starts a new row, a bare TAB is a blank (or merged) cell, and a cell's text may
//!   continue on the following lines without a TAB, even across one blank line
//!   (`\t三、` / `` / `本年度办理结果`). Two blank lines, or a line of prose, end the table.
//! - **line per cell** (LibreOffice's text export, crawler dumps): every line is a paragraph,
//!   and empty lines are kept as blank paragraphs, because there they stand for blank or
//!   merged cells; except in text laid out on pages (form feeds: text made of a PDF), where
//!   blank lines only separate blocks of text and a line that prints a label and values is
//!   cut into their cells.
//! - **rows printed as lines** (`pdftotext -layout`, converters that keep a row on one line:
//!   `行政许可 97`, `（一）予以公开   50   0   0`): see `RowLines`; chosen when at least
//!   [`MIN_ROW_LINES`] lines are such rows with a label, and no fewer than the lines of a lone
//!   value. Numbers wrapped inside narrow cells (a digit over a digit around a row line) are
//!   joined first (`join_stacked_numbers`). In text laid out on pages (form feeds, as
//!   `pdftotext` prints them), where the words stand is kept in the document's [`TextLayout`]:
//!   the character columns of every row's values, and of the words of the label-sized lines
//!   that print no row (column headers among them), with their pages.

use std::borrow::Cow;

use crate::assemble::{Assembler, CellSpan};
use crate::document::{Block, Document, PlacedLine, PlacedRow, PlacedWord, ReadLimits, TextLayout};
use crate::items::MAX_LABEL_CHARS;
use crate::normalize::{parse_cell, CellValue};

/// Reads decoded text.
pub fn read(text: &str) -> Document {
    read_with(text, &ReadLimits::default())
}

/// Reads decoded text, building no more than `limits` allows.
pub fn read_with(text: &str, limits: &ReadLimits) -> Document {
    let max = limits.max_paragraphs;
    let lines: Vec<&str> = super::lines(text).take(max).collect();
    let tab_lines = lines.iter().filter(|l| l.starts_with('\t')).count();
    let mut doc = if tab_lines >= 8 && tab_lines * 10 >= lines.len() {
        read_tab_flattened(&lines, limits)
    } else if prints_rows_as_lines(&lines) {
        let mut out = Assembler::new(limits);
        // Where words stand says which column they are in only page by page (see
        // `crate::columns`): without form feeds the pages are not known.
        let mut rows = RowLines {
            layout: text.contains('\u{c}').then(TextLayout::default),
            ..RowLines::default()
        };
        let lines = join_stacked_numbers(&lines);
        for line in &lines {
            // A row joined from stacked numbers has its values' places made up.
            rows.placing = matches!(line, Cow::Borrowed(_));
            rows.push(line, &mut out);
        }
        rows.finish(&mut out);
        let layout = rows.layout.take();
        let mut doc = out.finish();
        doc.layout = layout;
        doc
    } else {
        // Text with page breaks was laid out on pages (made of a PDF): its blank lines
        // separate blocks of text, they are not blank cells, and a line that prints a row
        // (`行政事业性收费 18651.06`) is its label's cell and its values' cells.
        let paged = text.contains('\u{c}');
        let mut blocks = Vec::with_capacity(lines.len());
        for line in &lines {
            let line = line.trim_start_matches('\u{c}').trim_end();
            match row_line(line).filter(|r| paged && !r.label.is_empty()) {
                Some(row) => {
                    let label: Vec<&str> = row.label.iter().map(|f| f.text).collect();
                    blocks.push(Block::Paragraph(label.join(" ")));
                    blocks.extend(row.values.iter().map(|v| Block::Paragraph(v.to_string())));
                }
                None if paged && line.is_empty() => {}
                None => blocks.push(Block::Paragraph(line.to_string())),
            }
        }
        Document {
            blocks,
            ..Document::default()
        }
    };
    if lines.len() == max && super::lines(text).nth(max).is_some() {
        doc.warnings.push(format!(
            "the document has more than {max} lines: the rest was not read"
        ));
    }
    doc
}

/// Whether the text prints its table rows as lines: a lone value is a cell of a line-per-cell
/// text as often as a row of one, so rows printed as lines (with their labels) must be at
/// least [`MIN_ROW_LINES`] and as many as the lines of a lone value.
fn prints_rows_as_lines(lines: &[&str]) -> bool {
    let (mut row_lines, mut lone_values) = (0, 0);
    for row in lines.iter().filter_map(|l| row_line(l)) {
        if !row.label.is_empty() {
            row_lines += 1;
        } else if row.values.len() == 1 {
            lone_values += 1;
        }
    }
    row_lines >= MIN_ROW_LINES && row_lines >= lone_values
}

fn read_tab_flattened(lines: &[&str], limits: &ReadLimits) -> Document {
    let mut out = Assembler::new(limits);
    let mut in_table = false;
    // Blank lines seen since the last non-blank line.
    let mut blanks = 0usize;
    // Whether the last non-blank line was a cell line (so plain text continues it).
    let mut after_cell = false;
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() && !line.starts_with('\t') {
            blanks += 1;
            continue;
        }
        if let Some(cell) = line.strip_prefix('\t') {
            if !in_table {
                out.open_table();
                in_table = true;
                out.start_row();
            } else if blanks > 0 {
                out.start_row();
            }
            out.open_cell(CellSpan::New { cols: 1, rows: 1 });
            out.text(cell.trim_end());
            after_cell = true;
        } else {
            let next_is_cell = lines.get(i + 1).is_some_and(|n| n.starts_with('\t'));
            let continues =
                in_table && after_cell && (blanks == 0 || (blanks == 1 && next_is_cell));
            if continues {
                out.line_break();
                out.text(line.trim_end());
            } else {
                if in_table {
                    out.close_table();
                    in_table = false;
                }
                out.text(line.trim());
                out.line_break();
                after_cell = false;
            }
        }
        blanks = 0;
    }
    out.finish()
}

/// The longest value printed in a row line, in bytes (`75394432.52万元` is 17).
const MAX_VALUE_BYTES: usize = 24;
/// Lines printed as table rows that make a text one of rows printed as lines.
pub const MIN_ROW_LINES: usize = 3;
/// Lines of a label that may follow the line of its values (a label wrapped around them).
const MAX_LABEL_LINES_AFTER: usize = 3;
/// Lines of a label that may precede the line of its values.
const MAX_LABEL_LINES_BEFORE: usize = 4;
/// The most words a line that may hold column headers has (table 四 prints 15 on one line);
/// the words of longer lines are not kept.
const MAX_HEADER_WORDS: usize = 64;
/// How far (in characters) the lines of one wrapped label may start from each other.
const LABEL_ALIGN: usize = 2;

/// A piece of a line between gaps of two or more spaces: a cell of a row printed as a line.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Fragment<'a> {
    /// The character column it starts at.
    at: usize,
    text: &'a str,
}

/// A line that holds a table row: the fragments of its label (possibly none) and its values.
#[derive(Debug, PartialEq)]
struct RowLine<'a> {
    label: Vec<Fragment<'a>>,
    values: Vec<&'a str>,
}

/// The fragments of `text`, with their columns: gaps of two or more
/// whitespace characters (or a tab) separate them, and so does a single space before a word
/// that begins with an ordinal (`（三）不予 1.属于国家秘密`: a rowspan label's piece, then the
/// row's own).
fn fragments(text: &str) -> Vec<Fragment<'_>> {
    let mut out = Vec::new();
    for wide in wide_fragments(text) {
        let mut from = 0;
        let mut at = wide.at;
        for (byte, c) in wide.text.char_indices() {
            let rest = &wide.text[byte + c.len_utf8()..];
            if c.is_whitespace() && byte > from && starts_with_ordinal(rest) {
                out.push(Fragment {
                    at,
                    text: wide.text[from..byte].trim_end(),
                });
                from = byte + c.len_utf8();
                at = wide.at + wide.text[..from].chars().count();
            }
        }
        out.push(Fragment {
            at,
            text: &wide.text[from..],
        });
    }
    out
}

/// The pieces of `text` between gaps of two or more whitespace characters (or a tab).
fn wide_fragments(text: &str) -> Vec<Fragment<'_>> {
    let mut out = Vec::new();
    let mut start: Option<(usize, usize)> = None;
    let mut end = 0;
    let mut spaces = 0;
    for (col, (byte, c)) in text.char_indices().enumerate() {
        if c.is_whitespace() {
            spaces += if c == '\t' { 2 } else { 1 };
        } else {
            if spaces >= 2 {
                if let Some((at, from)) = start.take() {
                    out.push(Fragment {
                        at,
                        text: &text[from..end],
                    });
                }
            }
            if start.is_none() {
                start = Some((col, byte));
            }
            spaces = 0;
            end = byte + c.len_utf8();
        }
    }
    if let Some((at, from)) = start {
        out.push(Fragment {
            at,
            text: &text[from..end],
        });
    }
    out
}

/// The row a line prints: a label short enough to be a row label followed by values (numbers
/// or dashes) separated by whitespace; `None` for other lines (prose that ends in a number has
/// a label too long). A lone value is a row (of a label wrapped around it).
fn row_line(line: &str) -> Option<RowLine<'_>> {
    let line = line.trim_end();
    // Most lines end in a word: one look at the last token settles them.
    let last = line.rsplit(char::is_whitespace).next()?;
    if last.len() > MAX_VALUE_BYTES
        || !matches!(parse_cell(last), CellValue::Number(..) | CellValue::Dash)
            && !matches!(last, "元" | "万元")
    {
        return None;
    }
    let mut tokens: Vec<(usize, &str)> = line
        .split_whitespace()
        .map(|t| (t.as_ptr() as usize - line.as_ptr() as usize, t))
        .collect();
    // A unit printed apart from its amount (`251000 元`) belongs to it.
    if let [.., (at, number), (_, "元" | "万元")] = tokens[..] {
        if matches!(parse_cell(number), CellValue::Number(..)) {
            tokens.pop();
            tokens.pop();
            tokens.push((at, &line[at..]));
        }
    }
    let value = |t: &str| matches!(parse_cell(t), CellValue::Number(..) | CellValue::Dash);
    let n_values = tokens.iter().rev().take_while(|(_, t)| value(t)).count();
    let first = tokens.len() - n_values;
    let numbers = tokens[first..]
        .iter()
        .filter(|(_, t)| matches!(parse_cell(t), CellValue::Number(..)))
        .count();
    // A lone dash ends prose as often as it fills a cell.
    if numbers == 0 && n_values < 2 {
        return None;
    }
    let label = &line[..tokens[first].0];
    let label_chars = label.chars().filter(|c| !c.is_whitespace()).count();
    if label_chars > MAX_LABEL_CHARS {
        return None;
    }
    Some(RowLine {
        label: fragments(label),
        values: tokens[first..].iter().map(|(_, t)| *t).collect(),
    })
}

/// Lines with numbers wrapped inside narrow cells joined: a row line between two lines of
/// values only, whose values stand in the same columns above and below (`1` over `3` is 13)
/// where the row has none, takes each such pair as one value at its place in the row. The
/// lines above and below are dropped; other lines are kept as they are.
fn join_stacked_numbers<'a>(lines: &[&'a str]) -> Vec<Cow<'a, str>> {
    // A line of values only: each value's text and its character column.
    let values_only = |line: &'a str| -> Option<Vec<(usize, &'a str)>> {
        let row = row_line(line)?;
        if !row.label.is_empty() {
            return None;
        }
        let line = line.trim_end();
        row.values
            .iter()
            .map(|v| {
                let at = line[..v.as_ptr() as usize - line.as_ptr() as usize]
                    .chars()
                    .count();
                v.bytes().all(|b| b.is_ascii_digit()).then_some((at, *v))
            })
            .collect()
    };
    let mut out: Vec<Cow<'a, str>> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let joined = (i + 2 < lines.len())
            .then(|| {
                stacked_row(
                    lines[i + 1],
                    values_only(lines[i])?,
                    values_only(lines[i + 2])?,
                )
            })
            .flatten();
        match joined {
            Some(row) => {
                out.push(Cow::Owned(row));
                i += 3;
            }
            None => {
                out.push(Cow::Borrowed(lines[i]));
                i += 1;
            }
        }
    }
    out
}

/// The row line `middle` with the numbers stacked over `above` and `below` put in; `None`
/// when they do not pair up column by column or fall on the row's own values.
fn stacked_row(
    middle: &str,
    above: Vec<(usize, &str)>,
    below: Vec<(usize, &str)>,
) -> Option<String> {
    let row = row_line(middle)?;
    if above.len() != below.len() || row.values.len() < 2 {
        return None;
    }
    let middle = middle.trim_end();
    let column = |v: &str| {
        middle[..v.as_ptr() as usize - middle.as_ptr() as usize]
            .chars()
            .count()
    };
    let mut values: Vec<(usize, String)> = row
        .values
        .iter()
        .map(|v| (column(v), v.to_string()))
        .collect();
    for ((at, top), (under, bottom)) in above.iter().zip(&below) {
        let free = values
            .iter()
            .all(|(x, v)| !(*x..=*x + v.chars().count()).contains(at));
        if at.abs_diff(*under) > 1 || !free {
            return None;
        }
        values.push((*at, format!("{top}{bottom}")));
    }
    values.sort_by_key(|(at, _)| *at);
    let first = row.values.first()?;
    let label = &middle[..first.as_ptr() as usize - middle.as_ptr() as usize];
    let texts: Vec<&str> = values.iter().map(|(_, v)| v.as_str()).collect();
    Some(format!("{label}{}", texts.join("  ")))
}

/// Whether a label begins with an ordinal (`一、`, `（三）`, `(3)`, `2.`, `2、`): it begins a
/// row, where a label without one continues the label above it.
fn starts_with_ordinal(text: &str) -> bool {
    let chars: Vec<char> = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .take(6)
        .collect();
    let numeral = |c: &char| c.is_ascii_digit() || "一二三四五六七八九十".contains(*c);
    let digits = chars.iter().take_while(|c| numeral(c)).count();
    if digits > 0 {
        let after = chars.get(digits);
        let next = chars.get(digits + 1);
        return matches!(after, Some('、' | '.' | '．' | '，'))
            && !next.is_some_and(|c| c.is_ascii_digit());
    }
    if matches!(chars.first(), Some('（' | '(')) {
        let inner = chars[1..].iter().take_while(|c| numeral(c)).count();
        return inner > 0 && matches!(chars.get(1 + inner), Some('）' | ')'));
    }
    false
}

/// A row label being gathered from the lines around its values.
#[derive(Debug, Default)]
struct Label {
    /// The column the label's lines start at.
    at: usize,
    /// The label's lines joined.
    text: String,
}

impl Label {
    fn new(fragment: Fragment) -> Label {
        Label {
            at: fragment.at,
            text: fragment.text.to_string(),
        }
    }

    /// Whether `fragment` continues this label: a line starting where the label's lines start,
    /// without an ordinal of its own.
    fn continued_by(&self, fragment: &Fragment) -> bool {
        fragment.at.abs_diff(self.at) <= LABEL_ALIGN && !starts_with_ordinal(fragment.text)
    }

    /// How the last fragment of a line continues this label, if it does: the fragment itself,
    /// or its part that starts in the label's column after a single space, the part before
    /// it being a piece of another column (`）不 出版物` under `3.要求提供公开`). Gives that
    /// piece, if any, and the continuing part.
    fn continuation<'a>(&self, last: &Fragment<'a>) -> Option<(Option<&'a str>, Fragment<'a>)> {
        if self.continued_by(last) {
            return Some((None, *last));
        }
        if last.at >= self.at {
            return None;
        }
        let (byte, c) = last
            .text
            .char_indices()
            .enumerate()
            .find(|&(col, (_, c))| {
                c.is_whitespace() && (last.at + col + 1).abs_diff(self.at) <= LABEL_ALIGN
            })
            .map(|(_, found)| found)?;
        let rest = Fragment {
            at: last.at + last.text[..byte].chars().count() + 1,
            text: last.text[byte + c.len_utf8()..].trim_start(),
        };
        (!rest.text.is_empty() && self.continued_by(&rest))
            .then(|| (Some(last.text[..byte].trim_end()), rest))
    }

    /// Appends the next line's part of the label.
    fn extend(&mut self, fragment: &Fragment) {
        self.text.push_str(fragment.text.trim());
    }
}

/// A row whose values are read, still open for the rest of its label.
struct OpenRow<'a> {
    /// Its values' line, with the values as its words, when places are recorded.
    placed: Option<PlacedLine>,
    /// Label fragments of other columns (a rowspan label's pieces), in reading order.
    loose: Vec<String>,
    label: Option<Label>,
    values: Vec<&'a str>,
    /// Label lines read after the values.
    lines_after: usize,
    /// Whether the label may go on below the values: it began above them, the values' line
    /// has none, or it is indented as in a table laid out in text (a label at the margin, as
    /// in Markdown, is a line of its own).
    wraps: bool,
}

/// Text in which a table row is printed as one line, its label followed by its values
/// (`pdftotext -layout`, converters that keep a row on a line) → one single-row grid per row,
/// other lines as paragraphs.
///
/// 1. A line is a **row line** when it ends in values (numbers or dashes) after a label short
///    enough to be a row label; a line of values alone is one too.
/// 2. The label is cut into **fragments** at gaps of two or more spaces: the last one is the
///    row's own label; the ones before it are pieces of rowspan labels (`三、  （一）予以公开`),
///    kept as cells of their own ahead of it.
/// 3. A label **wrapped around its values** is gathered: lines without values before the row
///    line, from the last one that begins with an ordinal (`（二）部分公开…`), make up the start
///    of the label when the row line's own label does not begin with an ordinal; a row line
///    without a label takes the line above it. A label begun above its values, absent from
///    their line or indented (a table laid out in text) is continued by the lines right after
///    it that start in the label's column and begin with no ordinal.
///    Fragments in other columns are kept as cells of their own.
/// 4. Blank lines are not cells here: they end a row's label.
/// 5. With a [`TextLayout`] to fill, the places of each row's values and of the words of the
///    label-sized lines that print no row are recorded, with their pages (a form feed begins
///    a page).
#[derive(Default)]
pub(crate) struct RowLines<'a> {
    /// Label-sized lines since the last row, that may begin the next row's label.
    pending: Vec<Vec<Fragment<'a>>>,
    open: Option<OpenRow<'a>>,
    /// Where the words stand, when it is recorded.
    pub(crate) layout: Option<TextLayout>,
    /// Whether the next line's words stand where the text prints them (not a line joined
    /// from others).
    pub(crate) placing: bool,
    /// The page and the number of the next line.
    page: usize,
    line: usize,
}

impl<'a> RowLines<'a> {
    /// Reads one line.
    pub(crate) fn push(&mut self, line: &'a str, out: &mut Assembler) {
        let number = self.line;
        self.line += 1;
        let rest = line.trim_start_matches('\u{c}');
        self.page += line.len() - rest.len();
        let line = rest;
        if line.trim().is_empty() {
            self.close_row(out);
            return;
        }
        let page = self.page;
        let place = |words| PlacedLine {
            page,
            line: number,
            words,
        };
        if let Some(row) = row_line(line) {
            self.close_row(out);
            let placed = (self.layout.is_some() && self.placing)
                .then(|| place(value_places(line, &row.values)));
            self.open_row(row, placed, out);
            return;
        }
        let frags = fragments(line);
        let label_sized = frags
            .iter()
            .all(|f| f.text.chars().count() <= MAX_LABEL_CHARS);
        if !label_sized {
            self.flush(out);
            paragraph(out, line);
            return;
        }
        if let Some(layout) = self.layout.as_mut().filter(|_| self.placing) {
            let words = placed_words(line);
            if words.len() <= MAX_HEADER_WORDS {
                layout.lines.push(place(words));
            }
        }
        if let Some(open) = &mut self.open {
            let continuation = frags
                .last()
                .zip(open.label.as_ref())
                .and_then(|(f, l)| l.continuation(f))
                .filter(|_| open.wraps && open.lines_after < MAX_LABEL_LINES_AFTER);
            if let (Some((head, own)), Some(label)) = (continuation, &mut open.label) {
                let loose = &frags[..frags.len() - 1];
                open.loose.extend(loose.iter().map(|f| f.text.to_string()));
                open.loose.extend(head.map(str::to_string));
                label.extend(&own);
                open.lines_after += 1;
                return;
            }
            self.close_row(out);
        }
        self.pending.push(frags);
        if self.pending.len() > MAX_LABEL_LINES_BEFORE {
            let oldest = self.pending.remove(0);
            paragraph_of(out, &oldest);
        }
    }

    /// Ends the text: what is pending becomes paragraphs.
    pub(crate) fn finish(&mut self, out: &mut Assembler) {
        self.flush(out);
    }

    fn flush(&mut self, out: &mut Assembler) {
        self.close_row(out);
        for frags in self.pending.drain(..) {
            paragraph_of(out, &frags);
        }
    }

    /// Opens the row of a row line, taking the start of its label from the pending lines.
    fn open_row(&mut self, row: RowLine<'a>, placed: Option<PlacedLine>, out: &mut Assembler) {
        let mut loose: Vec<String> = Vec::new();
        let (own, before) = match row.label.split_last() {
            Some((own, before)) => (Some(*own), before),
            None => (None, &[][..]),
        };
        let own_begins = own.is_some_and(|f| starts_with_ordinal(f.text));
        // The pending lines from the last one that begins with an ordinal.
        let start = self
            .pending
            .iter()
            .rposition(|frags| frags.last().is_some_and(|f| starts_with_ordinal(f.text)));
        // A row line without a label takes the line above it when no line begins with an
        // ordinal and that line is one fragment (`行政规范性文` / `62 33 440` / `件`), not a
        // header of several columns.
        let start = start.or_else(|| {
            let above = self.pending.len().checked_sub(1)?;
            (own.is_none() && self.pending[above].len() == 1).then_some(above)
        });
        let mut label: Option<Label> = None;
        let mut wraps = own.is_none_or(|f| f.at > 0);
        if let (Some(start), false) = (start, own_begins) {
            let first = *self.pending[start].last().expect("a fragment");
            let aligned = own.is_none_or(|f| f.at.abs_diff(first.at) <= LABEL_ALIGN);
            if aligned {
                for frags in self.pending.drain(..start) {
                    paragraph_of(out, &frags);
                }
                let mut gathered = Label::new(first);
                for (i, frags) in self.pending.drain(..).enumerate() {
                    let (last, rest) = frags.split_last().expect("a fragment");
                    loose.extend(rest.iter().map(|f| f.text.to_string()));
                    if i > 0 {
                        match gathered.continuation(last) {
                            Some((head, own)) => {
                                loose.extend(head.map(str::to_string));
                                gathered.extend(&own);
                            }
                            None => loose.push(last.text.to_string()),
                        }
                    }
                }
                label = Some(gathered);
                wraps = true;
            }
        }
        for frags in self.pending.drain(..) {
            paragraph_of(out, &frags);
        }
        loose.extend(before.iter().map(|f| f.text.to_string()));
        match (&mut label, own) {
            (Some(label), Some(own)) => label.extend(&own),
            (None, Some(own)) => label = Some(Label::new(own)),
            _ => {}
        }
        self.open = Some(OpenRow {
            placed,
            loose,
            label,
            values: row.values,
            lines_after: 0,
            wraps,
        });
    }

    /// Writes the open row as a single-row grid: loose fragments, label, values.
    fn close_row(&mut self, out: &mut Assembler) {
        let Some(row) = self.open.take() else {
            return;
        };
        out.open_table();
        let block = out.blocks_len();
        out.start_row();
        let label = row.label.map(|l| l.text);
        for text in row.loose.iter().chain(&label) {
            out.open_cell(CellSpan::New { cols: 1, rows: 1 });
            out.text(text);
        }
        for value in row.values {
            out.open_cell(CellSpan::New { cols: 1, rows: 1 });
            out.text(value);
        }
        out.close_table();
        if let (Some(layout), Some(at)) = (&mut self.layout, row.placed) {
            if out.blocks_len() == block + 1 {
                layout.rows.push(PlacedRow { block, at });
            }
        }
    }
}

/// The words of `line` with the character columns they take.
fn placed_words(line: &str) -> Vec<PlacedWord> {
    let mut words = Vec::new();
    let mut word: Option<PlacedWord> = None;
    for (col, c) in line.chars().enumerate() {
        match (&mut word, c.is_whitespace()) {
            (Some(w), false) => {
                w.text.push(c);
                w.to = col + 1;
            }
            (None, false) => {
                word = Some(PlacedWord {
                    text: c.to_string(),
                    from: col,
                    to: col + 1,
                })
            }
            (Some(_), true) => words.extend(word.take()),
            (None, true) => {}
        }
    }
    words.extend(word);
    words
}

/// The values of a row line (slices of `line`) with the character columns they take.
fn value_places(line: &str, values: &[&str]) -> Vec<PlacedWord> {
    values
        .iter()
        .map(|v| {
            let from = line[..v.as_ptr() as usize - line.as_ptr() as usize]
                .chars()
                .count();
            PlacedWord {
                text: v.to_string(),
                from,
                to: from + v.chars().count(),
            }
        })
        .collect()
}

fn paragraph(out: &mut Assembler, text: &str) {
    out.text(text.trim());
    out.line_break();
}

/// A line of fragments as a paragraph, its fragments separated by spaces.
fn paragraph_of(out: &mut Assembler, frags: &[Fragment]) {
    let texts: Vec<&str> = frags.iter().map(|f| f.text).collect();
    paragraph(out, &texts.join("  "));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_rows_cells_and_continuations() {
        let text = "标题\n\n\t一、本年新收\n\t  7 \n\t\n\n\t三、\n\n本年度办理结果\n\t（一）予以公开\n\t商业\n企业\n\n\n四、结论\n";
        let text = text.repeat(2);
        let doc = read(&text);
        assert_eq!(doc.blocks[0], Block::Paragraph("标题".into()));
        let Block::Table(g) = &doc.blocks[1] else {
            panic!("{:?}", doc.blocks)
        };
        let texts = g.texts();
        assert_eq!(
            texts,
            vec![
                vec!["一、本年新收", "7", ""],
                vec!["三、\n本年度办理结果", "（一）予以公开", "商业\n企业"]
            ]
        );
        assert_eq!(doc.blocks[2], Block::Paragraph("四、结论".into()));
    }

    /// The rows of a document as (cells) and its paragraphs as one-element lists.
    fn blocks(doc: &Document) -> Vec<Vec<String>> {
        doc.blocks
            .iter()
            .map(|b| match b {
                Block::Paragraph(p) => vec![p.clone()],
                Block::Table(g) => g.texts()[0].iter().map(|t| t.to_string()).collect(),
            })
            .collect()
    }

    #[test]
    fn rows_printed_as_lines_are_cut_into_label_and_values() {
        let text = r#"第二十条第（一）项
  信息内容   本年制发件数   本年废止件数
规章     0     0     0
行政许可 97
行政处罚  —
行政强制  3
本年度本机关共受理政府信息公开申请，均在法定期限内答复，办结情况见下表，其中本机关不掌握相关政府信息的 12
"#;
        let doc = read(text);
        assert_eq!(
            blocks(&doc),
            vec![
                vec!["第二十条第（一）项".to_string()],
                vec!["信息内容 本年制发件数 本年废止件数".to_string()],
                vec!["规章".into(), "0".into(), "0".into(), "0".into()],
                vec!["行政许可".into(), "97".into()],
                vec!["行政处罚 —".into()],
                vec!["行政强制".into(), "3".into()],
                vec!["本年度本机关共受理政府信息公开申请，均在法定期限内答复，办结情况见下表，其中本机关不掌握相关政府信息的 12".into()],
            ]
        );
    }

    #[test]
    fn a_label_wrapped_around_its_values_is_gathered() {
        let text = r#"一、本年新收政府信息公开申请数量   21    0    0
 三、   （一）予以公开          71    0    0
 本年   （二）部分公开（区分处理的，只计这一情
                               29    0    0
 度办   形，不计其他情形）
      （三）不予 1.属于国家秘密   4    0    0
                  5.要求行政机关确认或重新出
                                     0     0     0
                  具已获取信息
                  1.申请人无正当理由逾期不补
                  正、行政机关不再处理其政       1     0     1
                  府信息公开申请
      （六）其他
                  2.申请人逾期未按收费通知要
        处理
                  求缴纳费用、行政机关不再       0     0     0
                  处理其政府信息公开申请

行政规范性文
     62    33    440
件
"#;
        let doc = read(text);
        let rows: Vec<Vec<String>> = blocks(&doc);
        let want: Vec<Vec<&str>> = vec![
            vec!["一、本年新收政府信息公开申请数量", "21", "0", "0"],
            vec!["三、", "（一）予以公开", "71", "0", "0"],
            vec![
                "本年",
                "度办",
                "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                "29",
                "0",
                "0",
            ],
            vec!["（三）不予", "1.属于国家秘密", "4", "0", "0"],
            vec!["5.要求行政机关确认或重新出具已获取信息", "0", "0", "0"],
            vec![
                "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                "1",
                "0",
                "1",
            ],
            vec!["（六）其他"],
            vec![
                "处理",
                "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                "0",
                "0",
                "0",
            ],
            vec!["行政规范性文件", "62", "33", "440"],
        ];
        assert_eq!(rows, want);
    }

    #[test]
    fn a_label_continues_past_a_piece_of_another_column_on_its_line() {
        let text = r#"一、本年新收政府信息公开申请数量   21    0    0
二、上年结转政府信息公开申请数量   0    0    0
（五 3.要求提供公开 0    0 0
）不 出版物
予处
"#;
        let doc = read(text);
        assert_eq!(
            blocks(&doc)[2],
            vec!["（五", "）不", "3.要求提供公开出版物", "0", "0", "0"]
        );
    }

    #[test]
    fn text_laid_out_on_pages_keeps_where_its_words_stand() {
        let text =
            "  自然人  总计\n一、本年新收  5   5\n二、上年结转  0   0\n\u{c}（七）总计  5   5\n";
        let layout = read(text).layout.unwrap();
        let words = |l: &PlacedLine| -> Vec<(usize, usize, String)> {
            l.words
                .iter()
                .map(|w| (w.from, w.to, w.text.clone()))
                .collect()
        };
        assert_eq!(layout.lines.len(), 1);
        assert_eq!(
            words(&layout.lines[0]),
            vec![(2, 5, "自然人".into()), (7, 9, "总计".into())]
        );
        let rows: Vec<(usize, usize, usize)> = layout
            .rows
            .iter()
            .map(|r| (r.block, r.at.page, r.at.line))
            .collect();
        assert_eq!(rows, vec![(1, 0, 1), (2, 0, 2), (3, 1, 3)]);
        assert_eq!(
            words(&layout.rows[0].at),
            vec![(8, 9, "5".into()), (12, 13, "5".into())]
        );
        // Without form feeds the pages are not known: nothing is kept.
        assert_eq!(read(&text.replace('\u{c}', "")).layout, None);
    }

    #[test]
    fn a_unit_printed_apart_belongs_to_its_amount() {
        let row = row_line("  政府集中采购     6     251000 元").unwrap();
        assert_eq!(row.values, vec!["6", "251000 元"]);
        assert_eq!(
            parse_cell(row.values[1]),
            CellValue::Number(nianbao_schema::Number::Int(251000), Some("元".into()))
        );
    }

    #[test]
    fn numbers_wrapped_in_narrow_cells_are_joined() {
        let lines = [
            "                                  1       1",
            "    2 1 3 1 7 0 0 0 0 0             2 4 0",
            "                                  3       9",
        ];
        let joined = join_stacked_numbers(&lines);
        assert_eq!(joined.len(), 1);
        assert_eq!(
            row_line(&joined[0]).unwrap().values,
            vec!["2", "1", "3", "1", "7", "0", "0", "0", "0", "0", "13", "2", "4", "0", "19"]
        );
        // Values above and below that do not pair up are rows of their own.
        let lines = ["  5", "规章  1  2", "      7"];
        assert_eq!(join_stacked_numbers(&lines).len(), 3);
    }

    #[test]
    fn ordinals_begin_labels() {
        for yes in [
            "一、本年",
            "（三）不予",
            "(3)其他",
            "2.重复申请",
            "10、x",
            "三 、本 年",
        ] {
            assert!(starts_with_ordinal(yes), "{yes}");
        }
        for no in ["形，不计", "1.5", "2023 年", "本年", "三"] {
            assert!(!starts_with_ordinal(no), "{no}");
        }
    }

    #[test]
    fn paged_text_drops_its_blank_lines_and_cuts_its_rows() {
        let doc = read("规章\n\n13\n\u{c}\n60\n行政事业性收费 18651.06\n");
        assert_eq!(
            doc.blocks,
            vec![
                Block::Paragraph("规章".into()),
                Block::Paragraph("13".into()),
                Block::Paragraph("60".into()),
                Block::Paragraph("行政事业性收费".into()),
                Block::Paragraph("18651.06".into()),
            ]
        );
    }

    #[test]
    fn line_per_cell_keeps_empty_lines() {
        let doc = read("规章\n13\n\n \n");
        assert_eq!(
            doc.blocks,
            vec![
                Block::Paragraph("规章".into()),
                Block::Paragraph("13".into()),
                Block::Paragraph(String::new()),
                Block::Paragraph(String::new()),
            ]
        );
    }
}
