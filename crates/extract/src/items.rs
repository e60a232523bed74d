//! The document as one sequence of cells ("items") in reading order, the form the template
//! alignment reads: each paragraph is an item, each table cell is an item at its origin
//! (positions covered by a span are not repeated), and a paragraph in which a flattened table's
//! cells ran together is cut into label and digit-run items.

use std::borrow::Cow;
use std::sync::LazyLock;

use memchr::memmem::Finder;

use crate::document::{Block, Document};
use crate::normalize::{fold, parse_cell, CellValue};

/// One cell or paragraph of the document, borrowing its text from the document where it can.
#[derive(Debug, Clone)]
pub struct Item<'a> {
    /// The text as it stood (after decoding).
    pub text: Cow<'a, str>,
    /// The folded text, for label matching; empty for values and prose, which are never
    /// labels.
    pub fold: String,
    /// Characters in `fold` (in the text, for values and prose).
    pub fold_len: usize,
    /// The folded text without parenthesised annotations, when it differs from `fold`.
    bare: Option<String>,
    /// What the text reads as.
    pub value: CellValue,
    /// The grid row this cell belongs to: (block index, row), `None` for paragraphs.
    pub row: Option<(usize, usize)>,
    /// Whether this is a run of digits that lost its cell separators.
    pub run: bool,
    /// Whether a run follows: this text is everything printed since the previous run, so a
    /// row label is at its end.
    pub before_run: bool,
    /// The recognition confidence of a scanned cell (see [`crate::document::GridCell`]).
    pub confidence: Option<f32>,
}

/// The longest folded text that can be a table label; longer items are prose.
pub const MAX_LABEL_CHARS: usize = 48;
/// Items longer than this many characters are prose, not folded.
const PROSE_CHARS: usize = 64;
/// How much of the end of a run-together segment can hold a row label.
const RUN_LABEL_TAIL: usize = 48;
/// How much of the end of a run-together segment can hold a table-二 label.
const RUN_T2_LABEL_TAIL: usize = 16;

impl<'a> Item<'a> {
    fn new(text: Cow<'a, str>, row: Option<(usize, usize)>) -> Item<'a> {
        let value = parse_cell(&text);
        // Values and prose are never matched as labels: only their length matters.
        let (fold, fold_len) = if value.is_value() || text.len() > 4 * PROSE_CHARS {
            (String::new(), text.chars().count())
        } else {
            let fold = fold(&text);
            let len = fold.chars().count();
            (fold, len)
        };
        let bare = (fold_len <= MAX_LABEL_CHARS && text.contains(['(', '（']))
            .then(|| fold_without_annotations(&text));
        Item {
            fold,
            fold_len,
            bare,
            value,
            text,
            row,
            run: false,
            before_run: false,
            confidence: None,
        }
    }

    /// Whether the item is short enough to be a table label (prose is not).
    pub fn is_label_sized(&self) -> bool {
        self.fold_len <= MAX_LABEL_CHARS
    }

    /// The folded label without parenthesised annotations (`规章(设区的市…)` → `规章`); for
    /// run-together segments, of the segment's tail. Empty for values and prose.
    pub fn bare(&self) -> &str {
        match &self.bare {
            Some(bare) => bare,
            None if self.is_label_sized() => &self.fold,
            None => "",
        }
    }

    /// Marks a run-together segment that a digit run follows: its label is at its end, so
    /// `fold` and `bare` keep only the tail.
    fn mark_before_run(&mut self) {
        self.before_run = true;
        self.fold = last_chars(
            &fold(&last_chars(&self.text, 2 * RUN_LABEL_TAIL)),
            RUN_LABEL_TAIL,
        );
        self.fold_len = self.fold.chars().count();
        self.bare = Some(last_chars(
            &fold_without_annotations(&last_chars(&self.text, 2 * RUN_T2_LABEL_TAIL)),
            RUN_T2_LABEL_TAIL,
        ));
    }
}

fn last_chars(s: &str, n: usize) -> String {
    let count = s.chars().count();
    s.chars().skip(count.saturating_sub(n)).collect()
}

/// A label without its parenthesised annotations (`规章(设区的市…)`, `（七）总计` → `总计`), folded.
pub fn fold_without_annotations(text: &str) -> String {
    let mut depth = 0usize;
    let kept: String = text
        .chars()
        .filter(|&c| {
            match c {
                '(' | '（' => depth += 1,
                ')' | '）' => depth = depth.saturating_sub(1),
                _ => return depth == 0,
            }
            false
        })
        .collect();
    fold(&kept)
}

/// Flattens a document into items.
pub fn items(doc: &Document) -> Vec<Item<'_>> {
    let mut out = Vec::new();
    for (b, block) in doc.blocks.iter().enumerate() {
        match block {
            Block::Paragraph(text) => {
                if let Some(parts) = split_run_together(text) {
                    out.extend(parts);
                } else {
                    out.push(Item::new(Cow::Borrowed(text), None));
                }
            }
            Block::Table(grid) => {
                for (r, row) in grid.rows.iter().enumerate() {
                    for (c, cell) in row.iter().enumerate() {
                        if grid.is_origin(r, c) {
                            let mut item = Item::new(Cow::Borrowed(&cell.text), Some((b, r)));
                            item.confidence = cell.confidence;
                            out.push(item);
                        }
                    }
                }
            }
        }
    }
    out
}

/// Labels whose presence, directly followed by digits, marks a run-together table paragraph.
const RUN_MARKERS: &[&str] = &[
    "新收",
    "上年结转",
    "予以公开",
    "国家秘密",
    "不掌握",
    "重复申请",
    "结转下年",
];

/// A finder for each of [`RUN_MARKERS`].
fn run_markers() -> &'static [Finder<'static>] {
    static MARKERS: LazyLock<Vec<Finder<'static>>> =
        LazyLock::new(|| RUN_MARKERS.iter().map(Finder::new).collect());
    &MARKERS
}

/// Cuts a paragraph whose table cells ran together (`…申请数量640020470二、上年结转…`) into
/// text items and digit-run items. `None` when the paragraph is not such a table.
fn split_run_together(text: &str) -> Option<Vec<Item<'static>>> {
    // Three markers and their digits take more than 40 characters.
    if text.len() < 40 || !text.bytes().any(|b| b.is_ascii_digit()) || text.chars().count() < 40 {
        return None;
    }
    let marked = |marker: &Finder| {
        marker.find_iter(text.as_bytes()).any(|at| {
            // The marker's label ends within a short distance and digits follow (only that
            // distance is looked at: a long paragraph repeating a marker stays linear).
            let rest = &text[at + marker.needle().len()..];
            let label_tail = rest
                .chars()
                .take(31)
                .take_while(|c| !c.is_ascii_digit())
                .count();
            let after = rest
                .chars()
                .take(label_tail + 1)
                .find(|c| c.is_ascii_digit() || *c == '（' || *c == '(');
            label_tail <= 30 && after.is_some_and(|c| c.is_ascii_digit())
        })
    };
    if run_markers().iter().filter(|m| marked(m)).take(3).count() < 3 {
        return None;
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<Item> = Vec::new();
    let mut i = 0;
    let mut label = String::new();
    while i < chars.len() {
        if chars[i].is_ascii_digit()
            || ((chars[i] == '-' || chars[i] == '+')
                && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit()))
        {
            // A digit run: digits, spaces between digits, one decimal point between digits, signs.
            let start = i;
            i += 1;
            while i < chars.len() {
                let c = chars[i];
                let next_digit = chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
                let separator = (c == ' ' || c == '\u{a0}' || c == '.' || c == '-') && next_digit;
                if c.is_ascii_digit() || separator || (c == ' ' && chars.get(i + 1) == Some(&' ')) {
                    i += 1;
                } else {
                    break;
                }
            }
            let mut run: String = chars[start..i].iter().collect::<String>();
            let mut carry = String::new();
            // `…0000002.其他法律…`: the last digit is the next label's item number.
            if matches!(chars.get(i), Some('.') | Some('、') | Some('．'))
                && chars.get(i + 1).is_some_and(|c| !c.is_ascii_digit())
            {
                carry = run.pop().map(String::from).unwrap_or_default();
            }
            // A unit right after the digits belongs to them.
            let rest: String = chars[i..chars.len().min(i + 2)].iter().collect();
            for unit in ["万元", "元"] {
                if rest.starts_with(unit) {
                    run.push_str(unit);
                    i += unit.chars().count();
                    break;
                }
            }
            let run = run.trim().to_string();
            if run.is_empty() {
                // Only an item number (`1.属于…`): it stays with its label.
                label.push_str(&carry);
                continue;
            }
            if !label.trim().is_empty() {
                out.push(Item::new(Cow::Owned(label.trim().to_string()), None));
            }
            label.clear();
            let mut item = Item::new(Cow::Owned(run), None);
            item.run = true;
            out.push(item);
            label.push_str(&carry);
        } else {
            label.push(chars[i]);
            i += 1;
        }
    }
    if !label.trim().is_empty() {
        out.push(Item::new(Cow::Owned(label.trim().to_string()), None));
    }
    for i in 1..out.len() {
        if out[i].run && !out[i - 1].run {
            out[i - 1].mark_before_run();
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_together_paragraph_is_cut_at_labels_and_item_numbers() {
        let p = "一、本年新收政府信息公开申请数量640020470二、上年结转政府信息公开申请数量0000000\
                 三、本年度办理结果（一）予以公开270020130（三）不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开0000000\
                 四、结转下年度继续办理 0 0 00 00 0 行政事业性收费13575394432.52元三、";
        let items = split_run_together(p).unwrap();
        let texts: Vec<(&str, bool)> = items.iter().map(|i| (i.text.as_ref(), i.run)).collect();
        assert_eq!(
            texts,
            vec![
                ("一、本年新收政府信息公开申请数量", false),
                ("640020470", true),
                ("二、上年结转政府信息公开申请数量", false),
                ("0000000", true),
                ("三、本年度办理结果（一）予以公开", false),
                ("270020130", true),
                ("（三）不予公开1.属于国家秘密", false),
                ("0000000", true),
                ("2.其他法律行政法规禁止公开", false),
                ("0000000", true),
                ("四、结转下年度继续办理", false),
                ("0 0 00 00 0", true),
                ("行政事业性收费", false),
                ("13575394432.52元", true),
                ("三、", false),
            ]
        );
    }

    #[test]
    fn ordinary_prose_is_not_cut() {
        assert!(split_run_together("本年度全区共收到70件申请，及时依法依规办结69件，1件结转下年度继续办理。这是一段很长的正文文字用于测试。").is_none());
    }
}
