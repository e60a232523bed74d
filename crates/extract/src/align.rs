//! Template alignment: finds the rows of tables 二, 三 and 四 in a document's items and reads
//! their value cells.
//!
//! Rows are found in template order, each by its keywords after folding (ordinal prefixes,
//! brackets, quotes and whitespace do not matter, and rewordings such as 规范性文件 for
//! 行政规范性文件 match), never by exact string. A row's values are the cells that follow its
//! label: in a real table, the value cells of the label's row; in a flattened form, the next
//! cells of the stream, where a blank cell is a blank value, not structure to skip. Cells that ran
//! together into one digit run are handed to the solver ([`crate::solve`]), and so are the
//! values of a printed row that has fewer of them than columns (its blank cells were left
//! out, as text made of a PDF prints them): which columns they fill is for the rules to say.
//!
//! In text laid out in lines, where every row is a line, a row of table 三 whose label is
//! printed alone is a row of blank cells (`label_only_rows`).
//!
//! Text made of a PDF in reading order (`pdftotext` without `-layout`) prints what was drawn
//! near together: a block of rows' values column by column, with its labels before or after
//! them, a label's lines around the row's first value. After the rows are read by their
//! labels, the rows not read are looked for in that order, each reading taken only when it is
//! the one the rules allow:
//!
//! 1. table 二 column by column under its column headers (`read_table2_by_column`);
//! 2. table 三 rows by column after the first one's label (`read_table3_rows_by_column`);
//! 3. table 三 blocks by column that begin right after a row read, whichever of their labels
//!    the values follow (`read_table3_blocks_after_read_rows`);
//! 4. a table-三 row whose values stand before the next row's label, its own printed
//!    elsewhere (`read_table3_rows_before_next_label`).
//!
//! Readings 3 and 4 stand only when the rules across rows (R3.1, R3.3) check every cell they
//! read and hold.
//!
//! The template is detected per table from its headers: 本年制发件数 ⇒ 2021; 本年新制作数量 /
//! 上一年项目数量 / 第二十条第（九）项 ⇒ 2019; table 三's （六） shape decides when table 二 is
//! absent.

use std::collections::HashMap;

use nianbao_schema::checks::equations;
use nianbao_schema::{RowSpec, Template};

use crate::items::Item;
use crate::normalize::CellValue;

/// How a template row is recognised.
struct RowMatcher {
    /// The row path (`table3.result.granted`).
    path: &'static str,
    /// Any of these in the folded label marks the row.
    keywords: &'static [&'static str],
    /// When set, the folded label without ordinals and annotations must be one of these.
    exact: &'static [&'static str],
    /// Values must follow the label at once (no header text skipped).
    strict: bool,
}

const fn row(path: &'static str, keywords: &'static [&'static str]) -> RowMatcher {
    RowMatcher {
        path,
        keywords,
        exact: &[],
        strict: false,
    }
}

const fn exact(path: &'static str, exact: &'static [&'static str], strict: bool) -> RowMatcher {
    RowMatcher {
        path,
        keywords: &[],
        exact,
        strict,
    }
}

const MATCHERS: &[RowMatcher] = &[
    exact("table2.art20_1.regulations", &["规章"], false),
    row("table2.art20_1.normative_docs", &["规范性文件"]),
    row("table2.art20_5.licensing", &["行政许可"]),
    row(
        "table2.art20_5.other_mgmt_services",
        &["对外管理服务", "其他对外管理"],
    ),
    row("table2.art20_6.penalty", &["行政处罚"]),
    row("table2.art20_6.coercion", &["行政强制"]),
    row("table2.art20_8.admin_fees", &["事业性收费"]),
    row("table2.art20_9.central_procurement", &["集中采购"]),
    row("table3.new_received", &["新收"]),
    row("table3.carried_over", &["上年结转"]),
    row("table3.result.granted", &["予以公开"]),
    row("table3.result.partially_granted", &["部分公开"]),
    row("table3.result.denied.state_secret", &["国家秘密"]),
    row(
        "table3.result.denied.prohibited_by_law",
        &["禁止公开", "法律行政"],
    ),
    row(
        "table3.result.denied.three_securities_one_stability",
        &["三安全", "一稳定"],
    ),
    row("table3.result.denied.third_party_rights", &["第三方"]),
    row("table3.result.denied.internal_affairs", &["内部事务"]),
    row("table3.result.denied.process_info", &["过程性"]),
    row("table3.result.denied.enforcement_case_file", &["执法案卷"]),
    row("table3.result.denied.administrative_query", &["行政查询"]),
    row("table3.result.unable.not_held", &["不掌握"]),
    row(
        "table3.result.unable.needs_creation",
        &["另行制作", "没有现成"],
    ),
    row("table3.result.unable.unclear_after_correction", &["不明确"]),
    row(
        "table3.result.not_processed.petition_complaint",
        &["信访", "举报投诉"],
    ),
    row("table3.result.not_processed.repeated", &["重复申请"]),
    row("table3.result.not_processed.publication", &["出版物"]),
    row(
        "table3.result.not_processed.excessive_requests",
        &["反复申请", "大量"],
    ),
    row(
        "table3.result.not_processed.confirm_or_reissue",
        &["重新出具", "确认"],
    ),
    row("table3.result.other.no_correction", &["不补正"]),
    row("table3.result.other.fee_unpaid", &["缴纳费用", "收费通知"]),
    exact("table3.result.other.other", &["其他"], true),
    RowMatcher {
        path: "table3.result.other.total",
        keywords: &["其他处理"],
        exact: &[],
        strict: true,
    },
    exact("table3.result_total", &["总计", "合计"], true),
    row("table3.carried_forward", &["结转下年"]),
];

/// Header words of table 四.
const T4_HEADER_WORDS: &[&str] = &[
    "维持", "纠正", "结果", "审结", "尚未", "其他", "总计", "合计", "起诉", "复议", "诉讼",
];

/// The longest a table-二 label may be after its annotation is removed.
const T2_LABEL_MAX: usize = 16;
/// How far ahead of the previous row a row's label is looked for, in items.
const SEARCH_WINDOW: usize = 400;
/// Header or heading items skipped between a label and its values (OCR renderings).
const MAX_SKIPPED_TEXT: usize = 10;

fn matcher(path: &str) -> Option<&'static RowMatcher> {
    MATCHERS.iter().find(|m| m.path == path)
}

/// Removes leading ordinals (`一`, `七`, `3`) from a folded label.
fn strip_ordinals(fold: &str) -> &str {
    fold.trim_start_matches(|c: char| c.is_ascii_digit() || "一二三四五六七八九十".contains(c))
}

impl RowMatcher {
    fn matches(&self, item: &Item) -> bool {
        if item.value.is_value() || !item.is_label_sized() {
            return false;
        }
        if self.path.starts_with("table2.") || !self.exact.is_empty() {
            if item.bare().chars().count() > T2_LABEL_MAX {
                return false;
            }
            if item.before_run {
                // `…现行有效件数规章`: the label ends the run-together segment.
                return if self.exact.is_empty() {
                    self.keywords.iter().any(|w| item.bare().contains(w))
                } else {
                    self.exact.iter().any(|w| item.bare().ends_with(w))
                };
            }
            if !self.exact.is_empty() {
                return self.exact.contains(&strip_ordinals(item.bare()));
            }
            return self.keywords.iter().any(|k| item.bare().contains(k));
        }
        self.keywords.iter().any(|k| item.fold.contains(k))
    }
}

/// Where a row's values were found.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// One item per column.
    Cells(Vec<usize>),
    /// One run of digits for all columns (cells ran together).
    Run(usize),
    /// Fewer value cells than columns before the next text: cells were lost, or other
    /// rows' values are mixed in, so which columns these fill is not known.
    Partial(Vec<usize>),
    /// The values of one printed row that has fewer of them than columns, in order: its blank
    /// cells were left out, so the columns they fill are not known.
    Gapped(Vec<usize>),
}

/// A template row located in the document.
#[derive(Debug, Clone)]
pub struct FoundRow {
    /// The template row.
    pub spec: RowSpec,
    /// The label item.
    pub label: usize,
    /// Its values.
    pub values: Values,
}

/// The result of aligning a document with a template.
#[derive(Debug, Default)]
pub struct Alignment {
    /// The detected template, `None` when no standard table was found.
    pub template: Option<Template>,
    /// Whether （六）其他处理 is printed as one row in a 2021 table.
    pub single_other_in_2021: bool,
    /// The rows found.
    pub rows: Vec<FoundRow>,
    /// Rows of the template that were not found.
    pub missing_rows: Vec<&'static str>,
    /// Rows of table 三 read from values printed apart from their labels (readings 3 and 4 of
    /// the header): which row such values belong to follows from where they stand, and the
    /// rules cannot tell rows of results apart, so the report says so.
    pub read_apart: Vec<&'static str>,
}

/// Aligns items with the template they show.
pub fn align(items: &[Item]) -> Alignment {
    let t3_start = find_first(items, 0, "table3.new_received").unwrap_or(items.len());
    let t2_start = items
        .iter()
        .position(|i| {
            (i.fold.starts_with("第二十条") && i.is_label_sized())
                || (i.before_run && i.fold.contains("第二十条第"))
        })
        .filter(|&p| p < t3_start)
        .unwrap_or(0);
    let t2_template = detect_t2_template(&items[t2_start..t3_start.max(t2_start)]);
    // Where table 三's labels begin, when its first row's values are not after its label.
    let t3_labels = (t3_start == items.len())
        .then(|| matcher("table3.new_received"))
        .flatten()
        .and_then(|m| items.iter().position(|i| m.matches(i)))
        .unwrap_or(t3_start);
    let t3_shape = detect_t3_shape(items, t3_labels);
    let template = t2_template.or(t3_shape.map(|(t, _)| t));
    let Some(template) = template else {
        return Alignment::default();
    };
    let single_other_in_2021 =
        template == Template::V2021 && t3_shape == Some((Template::V2019, true));
    let mut rows_spec = template.rows().to_vec();
    if single_other_in_2021 {
        let other = Template::V2019
            .rows()
            .iter()
            .find(|r| r.path == "table3.result.other.total")
            .cloned();
        rows_spec.retain(|r| !r.path.starts_with("table3.result.other."));
        if let (Some(other), Some(pos)) = (
            other,
            rows_spec
                .iter()
                .position(|r| r.path == "table3.result_total"),
        ) {
            rows_spec.insert(pos, other);
        }
    }

    let mut out = Alignment {
        template: Some(template),
        single_other_in_2021,
        ..Default::default()
    };
    let mut cursor = if t2_template.is_some() {
        t2_start
    } else {
        t3_start.min(t2_start)
    };
    // Table 三's rows end where table 四 begins (its header prints 总计 too).
    let t3_end = (t3_start.min(items.len())..items.len())
        .find(|&i| is_table4_header(&items[i]))
        .unwrap_or(items.len());
    let t3_rows: Vec<RowSpec> = rows_spec
        .iter()
        .filter(|r| r.path.starts_with("table3."))
        .cloned()
        .collect();
    for spec in rows_spec
        .into_iter()
        .filter(|r| !r.path.starts_with("table4."))
    {
        if spec.path == "table3.new_received" && t3_start < items.len() {
            cursor = cursor.max(t3_start);
        }
        let within = if spec.path.starts_with("table3.") {
            &items[..t3_end.max(cursor)]
        } else {
            items
        };
        match find_row(within, cursor, &spec) {
            Some(found) => {
                cursor = match &found.values {
                    Values::Cells(v) | Values::Partial(v) | Values::Gapped(v) => {
                        v.last().copied().unwrap_or(found.label) + 1
                    }
                    Values::Run(r) => r + 1,
                };
                out.rows.push(found);
            }
            None => out.missing_rows.push(spec.path),
        }
    }
    let t2_end = t3_start.min(t3_end);
    if t2_template.is_some() && t2_start < t2_end {
        read_table2_by_column(items, t2_start..t2_end, template, &mut out);
    }
    let t3_from = if t3_start < items.len() {
        t3_start
    } else {
        t2_start
    };
    read_table3_rows_by_column(items, t3_from..t3_end, &t3_rows, &mut out);
    read_table3_blocks_after_read_rows(items, t3_from..t3_end, &t3_rows, &mut out);
    read_table3_rows_before_next_label(items, &t3_rows, &mut out);
    match find_table4(items, cursor, template) {
        Some(rows) => out.rows.extend(rows),
        None => out.missing_rows.extend([
            "table4.admin_review",
            "table4.litigation_direct",
            "table4.litigation_after_review",
        ]),
    }
    out
}

/// The rows of table 三 not found whose labels stand alone (a paragraph, not a cell of a row)
/// from the label of the first row of table 三 that was found to the prose or table 四 after
/// the last: in text laid out in lines, where every row is a line, rows of blank cells.
pub fn label_only_rows(items: &[Item], alignment: &Alignment) -> Vec<&'static str> {
    let labels = alignment
        .rows
        .iter()
        .filter(|r| r.spec.path.starts_with("table3."))
        .map(|r| r.label);
    let (Some(first), Some(last)) = (labels.clone().min(), labels.max()) else {
        return Vec::new();
    };
    // Rows after the last found (四、结转下年度继续办理) up to the prose or table 四.
    let end = (last..items.len())
        .find(|&i| !items[i].is_label_sized() || is_table4_header(&items[i]))
        .unwrap_or(items.len());
    alignment
        .missing_rows
        .iter()
        .copied()
        .filter(|path| path.starts_with("table3."))
        .filter(|path| {
            matcher(path).is_some_and(|m| {
                items[first..end]
                    .iter()
                    .any(|it| it.row.is_none() && m.matches(it))
            })
        })
        .collect()
}

fn find_first(items: &[Item], from: usize, path: &str) -> Option<usize> {
    let m = matcher(path)?;
    (from..items.len()).find(|&i| m.matches(&items[i]) && next_is_value(items, i))
}

/// Whether a value (or a run, or header text then a value) follows item `i` closely.
fn next_is_value(items: &[Item], i: usize) -> bool {
    items[i + 1..]
        .iter()
        .take(MAX_SKIPPED_TEXT + 1)
        .any(|it| it.value.is_value() || it.run)
}

fn detect_t2_template(region: &[Item]) -> Option<Template> {
    let has = |words: &[&str]| {
        region.iter().any(|i| {
            (i.is_label_sized() || i.before_run) && words.iter().any(|w| i.fold.contains(w))
        })
    };
    if has(&["制发件数", "本年废止", "现行有效"]) || has(&["收费金额"]) && !has(&["上一年项目"])
    {
        Some(Template::V2021)
    } else if has(&[
        "新制作数量",
        "本年新公开",
        "对外公开总数",
        "上一年项目",
        "第二十条第九项",
        "采购总金额",
    ]) {
        Some(Template::V2019)
    } else {
        None
    }
}

/// The template table 三's （六） shape implies: sub-rows ⇒ 2021; one row ⇒ 2019 (`true` when
/// that single row's label was seen, with its values or without: text made of a PDF may print
/// them elsewhere).
fn detect_t3_shape(items: &[Item], from: usize) -> Option<(Template, bool)> {
    if from >= items.len() {
        return None;
    }
    let region = &items[from..items.len().min(from + 2 * SEARCH_WINDOW)];
    let sub_rows = [
        "table3.result.other.no_correction",
        "table3.result.other.fee_unpaid",
    ];
    if sub_rows
        .iter()
        .filter_map(|p| matcher(p))
        .any(|m| region.iter().any(|i| m.matches(i)))
    {
        return Some((Template::V2021, false));
    }
    let single = matcher("table3.result.other.total")?;
    let found = region.iter().any(|i| single.matches(i));
    Some((Template::V2019, found))
}

fn find_row(items: &[Item], from: usize, spec: &RowSpec) -> Option<FoundRow> {
    let m = matcher(spec.path)?;
    let end = items.len().min(from + SEARCH_WINDOW);
    let mut partial: Option<FoundRow> = None;
    for i in from..end {
        if !m.matches(&items[i]) {
            continue;
        }
        match read_values(items, i, spec, m.strict) {
            Some(Values::Partial(v)) if partial.is_none() => {
                partial = Some(FoundRow {
                    spec: spec.clone(),
                    label: i,
                    values: Values::Partial(v),
                });
            }
            Some(Values::Partial(_)) => {}
            Some(values) => {
                return Some(FoundRow {
                    spec: spec.clone(),
                    label: i,
                    values,
                })
            }
            None => {}
        }
    }
    partial.or_else(|| find_wrapped_row(items, from, spec, m))
}

/// A row whose label wrapped onto the next item (a PDF prints `1、申请人无正当理由逾期不补` /
/// `正、行政机关不再处理…`): two consecutive text items read as one label, for keyword rows
/// of table 三 only, and only when the row is not found otherwise. In text made of a PDF the
/// row's first value may stand between the two (`行政规范性文` / `62` / `件` / `33` / `440`:
/// the value is centred on the label's lines); then table 二's keyword rows are read so too,
/// the value first among the row's values.
fn find_wrapped_row(
    items: &[Item],
    from: usize,
    spec: &RowSpec,
    m: &RowMatcher,
) -> Option<FoundRow> {
    if !m.exact.is_empty() {
        return None;
    }
    let label =
        |it: &Item| !it.value.is_value() && !it.run && !it.before_run && it.is_label_sized();
    // A keyword split at the line end: its head ends the first item, its tail starts the second.
    let across = |first: &Item, second: &Item| {
        m.keywords.iter().any(|k| {
            k.char_indices()
                .skip(1)
                .any(|(at, _)| first.fold.ends_with(&k[..at]) && second.fold.starts_with(&k[at..]))
        })
    };
    let k = spec.columns.len();
    let end = items.len().min(from + SEARCH_WINDOW);
    (from..end.saturating_sub(1)).find_map(|i| {
        let first = &items[i];
        if !label(first) {
            return None;
        }
        let second = &items[i + 1];
        if spec.path.starts_with("table3.") && label(second) && across(first, second) {
            return match read_values(items, i + 1, spec, m.strict)? {
                values @ Values::Cells(_) => Some(FoundRow {
                    spec: spec.clone(),
                    label: i + 1,
                    values,
                }),
                _ => None,
            };
        }
        // The first value between the label's lines, the others after them.
        let tail = items.get(i + 2)?;
        let centred = matches!(second.value, CellValue::Number(..)) && !second.run;
        if !centred || !label(tail) || !across(first, tail) {
            return None;
        }
        let rest: Vec<usize> = (i + 3..items.len())
            .take_while(|&j| matches!(items[j].value, CellValue::Number(..)) && !items[j].run)
            .collect();
        (rest.len() + 1 == k).then(|| FoundRow {
            spec: spec.clone(),
            label: i,
            values: Values::Cells(std::iter::once(i + 1).chain(rest).collect()),
        })
    })
}

/// Whether an item is the label of some template row (a reason to stop skipping text).
fn is_any_label(item: &Item) -> bool {
    MATCHERS.iter().any(|m| m.matches(item))
}

/// Reads the `k` values of the row labelled by item `i`.
fn read_values(items: &[Item], i: usize, spec: &RowSpec, strict: bool) -> Option<Values> {
    let k = spec.columns.len();
    if let Some(row) = items[i].row {
        let same_row: Vec<usize> = (i + 1..items.len())
            .take_while(|&j| items[j].row == Some(row))
            .filter(|&j| items[j].value.is_value())
            .collect();
        if same_row.len() >= k {
            return Some(Values::Cells(pick_k(items, same_row, k)));
        }
        if let Some(gapped) = gapped(items, &same_row) {
            return Some(gapped);
        }
    }
    let mut got = Vec::new();
    let mut skipped = 0;
    // Whether a column header of table 二 stands between the label and the values.
    let mut after_header = false;
    let mut j = i + 1;
    while j < items.len() && got.len() < k {
        let item = &items[j];
        if item.run && got.is_empty() {
            return Some(if k == 1 {
                Values::Cells(vec![j])
            } else {
                Values::Run(j)
            });
        }
        if item.value.is_value() && !item.run {
            got.push(j);
        } else if got.is_empty() && is_t2_column_header(item) {
            // The values after a column header are that column's, unless the row's header row
            // stands between its label and its values (see below).
            let own = T2_COLUMNS.iter().any(|(column, header)| {
                item.fold.contains(header)
                    && spec.columns.iter().any(|c| column_of(&c.key) == *column)
            });
            if !own || strict || skipped >= MAX_SKIPPED_TEXT {
                return None;
            }
            after_header = true;
            skipped += 1;
        } else if got.is_empty()
            && !strict
            && skipped < MAX_SKIPPED_TEXT
            && !item.run
            && !is_any_label(item)
        {
            skipped += 1;
        } else {
            break;
        }
        j += 1;
    }
    if after_header {
        // Text in reading order prints a row's label, the header row, then the row's values:
        // exactly `k` printed values, followed by neither a value nor a column header (values
        // of a table printed by column follow each header, a column at a time).
        let printed = got
            .iter()
            .all(|&g| matches!(items[g].value, CellValue::Number(..) | CellValue::Dash));
        let ends = items
            .get(j)
            .is_none_or(|next| !next.value.is_value() && !is_t2_column_header(next));
        return (got.len() == k && printed && ends).then_some(Values::Cells(got));
    }
    // More values follow than the row has columns: the values of several rows are mixed (text
    // made of a PDF prints a table's values by column), and which are this row's is not known.
    let runs_on = items.get(j).is_some_and(|next| {
        next.value.is_value() && !matches!(next.value, CellValue::Blank) && !next.run
    });
    match got.len() {
        0 => None,
        n if n == k && runs_on => Some(Values::Partial(Vec::new())),
        n if n == k => Some(Values::Cells(got)),
        _ => Some(Values::Partial(got)),
    }
}

/// The values of one printed row with fewer values than columns and no blank cell (a row that
/// prints its blanks has its columns); `None` when it has none.
fn gapped(items: &[Item], values: &[usize]) -> Option<Values> {
    let printed = |&i: &usize| !matches!(items[i].value, CellValue::Blank);
    (!values.is_empty() && values.iter().all(printed)).then(|| Values::Gapped(values.to_vec()))
}

/// Chooses `k` of a row's value cells when it has more: blank cells at the end go first (a
/// merged value cell exported as blanks), then blank cells at the start (an empty label
/// column), then the first `k` are kept.
fn pick_k(items: &[Item], mut cells: Vec<usize>, k: usize) -> Vec<usize> {
    let blank = |i: usize| matches!(items[i].value, CellValue::Blank);
    while cells.len() > k && cells.last().is_some_and(|&i| blank(i)) {
        cells.pop();
    }
    while cells.len() > k && blank(cells[0]) {
        cells.remove(0);
    }
    cells.truncate(k);
    cells
}

/// Whether an item prints the header of a table-二 column.
fn is_t2_column_header(item: &Item) -> bool {
    T2_COLUMNS.iter().any(|(_, h)| item.fold.contains(h))
}

/// The column header of each table-二 column (by the key's last segment). Values right after
/// one are that column's (a table printed column by column), not those of the row label
/// before it.
const T2_COLUMNS: &[(&str, &str)] = &[
    ("issued", "制发件数"),
    ("repealed", "废止件数"),
    ("in_force", "现行有效"),
    ("new_made", "新制作数量"),
    ("new_published", "新公开数量"),
    ("total_published", "公开总数量"),
    ("prev_year_items", "上一年项目"),
    ("yearly_change", "本年增减"),
    ("decisions", "处理决定数量"),
    ("amount_wan_yuan", "收费金额"),
    ("projects", "采购项目数量"),
    ("amount", "采购总金额"),
];

/// Table 二 printed column by column (text made of a PDF lists a block's row labels, then
/// each column header followed by that column's values, one per row):
///
/// 1. The blocks (第二十条第（X）项) none of whose rows were found by row are read, when each
///    of their row labels is printed in the region.
/// 2. A column header belongs to the first block from the current one that has that column
///    still unread (本年处理决定数量 is printed for （五） and again for （六））.
/// 3. The values right after it are its column's, one per row of the block in template order;
///    a count other than the block's rows leaves the block unread.
fn read_table2_by_column(
    items: &[Item],
    region: std::ops::Range<usize>,
    template: Template,
    out: &mut Alignment,
) {
    let mut blocks: Vec<Vec<&RowSpec>> = Vec::new();
    for spec in template
        .rows()
        .iter()
        .filter(|r| r.path.starts_with("table2."))
    {
        match blocks.last_mut() {
            Some(b) if block_of(b[0].path) == block_of(spec.path) => b.push(spec),
            _ => blocks.push(vec![spec]),
        }
    }
    // Per block: whether it is read, and per column whether its header was seen and the
    // value items of its rows.
    let mut readable: Vec<bool> = blocks
        .iter()
        .map(|b| {
            let unread = b.iter().all(|r| out.missing_rows.contains(&r.path));
            let printed = b.iter().all(|r| {
                matcher(r.path).is_some_and(|m| region.clone().any(|i| m.matches(&items[i])))
            });
            unread && printed
        })
        .collect();
    let mut seen: Vec<Vec<bool>> = blocks
        .iter()
        .map(|b| vec![false; b[0].columns.len()])
        .collect();
    let mut read: Vec<Vec<Option<Vec<usize>>>> = blocks
        .iter()
        .map(|b| vec![None; b[0].columns.len()])
        .collect();
    let mut current = 0;
    for j in region.clone() {
        let Some(&(column, _)) = T2_COLUMNS
            .iter()
            .find(|(_, header)| !items[j].value.is_value() && items[j].fold.contains(header))
        else {
            continue;
        };
        let place = (current..blocks.len()).find_map(|b| {
            let c = blocks[b][0]
                .columns
                .iter()
                .position(|k| column_of(&k.key) == column)?;
            (!seen[b][c]).then_some((b, c))
        });
        let Some((b, c)) = place else { continue };
        current = b;
        seen[b][c] = true;
        let values: Vec<usize> = (j + 1..region.end)
            .take_while(|&v| matches!(items[v].value, CellValue::Number(..) | CellValue::Dash))
            .collect();
        if values.len() == blocks[b].len() {
            read[b][c] = Some(values);
        } else {
            readable[b] = false;
        }
    }
    for ((block, cols), readable) in blocks.iter().zip(read).zip(readable) {
        let Some(cols) = cols.into_iter().collect::<Option<Vec<_>>>() else {
            continue;
        };
        if !readable {
            continue;
        }
        for (r, spec) in block.iter().enumerate() {
            out.missing_rows.retain(|p| *p != spec.path);
            out.rows.push(FoundRow {
                spec: (*spec).clone(),
                label: cols[0][r],
                values: Values::Cells(cols.iter().map(|c| c[r]).collect()),
            });
        }
    }
}

/// Rows of table 三 whose values follow the first one's label as one run, printed by column
/// (text made of a PDF prints a block of rows column by column, their labels elsewhere):
///
/// 1. A row not read (or read only in part), whose label is followed (after the rest of its
///    text, if it wrapped) by a run of values longer than its columns and a multiple of them
///    (see `value_run`: a wrapped label's rest may follow the first value), and the template
///    rows after it, not read either, as many as the run holds, are the candidates.
/// 2. The readings: the first `j` rows row by row (in template order), the rest column by
///    column, for every `j`; rows read by column must have their labels after the run, in
///    order, before the next value (other labels and text between them aside).
/// 3. A reading is taken when it is the only one in which every row total (R3.2) holds, and
///    some row is not all zero; otherwise the rows stay unread.
fn read_table3_rows_by_column(
    items: &[Item],
    region: std::ops::Range<usize>,
    rows: &[RowSpec],
    out: &mut Alignment,
) {
    let mut r = 0;
    while r < rows.len() {
        let spec = &rows[r];
        let k = spec.columns.len();
        let run = matcher(spec.path)
            .filter(|_| unread(out, spec.path))
            .and_then(|m| {
                region.clone().find_map(|i| {
                    let run = m
                        .matches(&items[i])
                        .then(|| run_after_label(items, i, region.end))??;
                    (run.len() > k && run.len().is_multiple_of(k)).then_some(run)
                })
            });
        let Some(run) = run else {
            r += 1;
            continue;
        };
        let n = run.len() / k;
        let block = &rows[r..rows.len().min(r + n)];
        let after = run.last().map_or(region.end, |&j| j + 1);
        // The row labels after the run, until the next value.
        let labels_after: Vec<&str> = (after..region.end)
            .take_while(|&j| number(items, j).is_none())
            .filter_map(|j| MATCHERS.iter().find(|m| m.matches(&items[j])))
            .map(|m| m.path)
            .collect();
        // Whether the labels of `rows` are among them, in order.
        let labelled_after = |rows: &[RowSpec]| {
            let mut labels = labels_after.iter();
            rows.iter().all(|s| labels.any(|&p| p == s.path))
        };
        if block.len() < n
            || block
                .iter()
                .any(|s| s.columns.len() != k || !unread(out, s.path))
        {
            r += 1;
            continue;
        }
        let mut readings: Vec<Vec<Vec<usize>>> = Vec::new();
        for by_row in 0..=n {
            if !labelled_after(&block[by_row.max(1).min(n)..]) {
                continue;
            }
            let reading = reading(&run, k, by_row);
            if reading.iter().all(|cells| row_total_holds(items, cells))
                && !readings.contains(&reading)
            {
                readings.push(reading);
            }
        }
        let some_value = run
            .iter()
            .any(|&j| number(items, j).is_some_and(|v| v != 0.0));
        let [reading] = &readings[..] else {
            r += 1;
            continue;
        };
        if !some_value {
            r += 1;
            continue;
        }
        for (spec, cells) in block.iter().zip(reading) {
            take_row(out, spec, cells.clone());
        }
        r += n;
    }
}

/// Rows of table 三 printed by column in blocks that begin right after a row already read,
/// whichever of the block's rows the run of values follows the label of (text made of a PDF
/// prints a block's labels where it drew them: `3.要求提供公开出版物` before the values of
/// the rows 3.补正后申请内容仍不明确 to 3.要求提供公开出版物, the other labels after the table):
///
/// 1. In document order, the label of a row not read, followed by a run of values (as in
///    `read_table3_rows_by_column`) of `n` times the row's columns.
/// 2. The block is the `n` rows from the first row not read after the last row read before
///    the label's row in the template; it must hold the label's row, and its rows must all
///    be unread, with as many columns.
/// 3. Its readings are by column and, when it starts at the label's row, with its first `j`
///    rows by row, the rest by column, for every `j`. When exactly one distinct reading meets
///    every row total (R3.2), it is taken for now and its rows count as read.
/// 4. The blocks taken stand only if every cell of theirs is in an equation across rows (R3.1,
///    R3.3) all of whose cells are read, and every such equation holds; otherwise the rows
///    stay unread.
fn read_table3_blocks_after_read_rows(
    items: &[Item],
    region: std::ops::Range<usize>,
    rows: &[RowSpec],
    out: &mut Alignment,
) {
    // The blocks taken: their first row and their rows' cells.
    let mut taken: Vec<(usize, Vec<Vec<usize>>)> = Vec::new();
    // Per row: read before, or in a block taken.
    let mut is_read: Vec<bool> = rows.iter().map(|r| !unread(out, r.path)).collect();
    let mut i = region.start;
    while i < region.end {
        let label_row = (0..rows.len())
            .find(|&r| !is_read[r] && matcher(rows[r].path).is_some_and(|m| m.matches(&items[i])));
        let Some((r, run)) =
            label_row.and_then(|r| Some((r, run_after_label(items, i, region.end)?)))
        else {
            i += 1;
            continue;
        };
        let k = rows[r].columns.len();
        let after = run.last().map_or(i, |&j| j) + 1;
        let n = run.len() / k;
        let start = (0..r).rev().find(|&p| is_read[p]).map_or(0, |p| p + 1);
        let block = start..start + n;
        let fits = run.len().is_multiple_of(k)
            && n > 0
            && block.contains(&r)
            && block.end <= rows.len()
            && block
                .clone()
                .all(|b| rows[b].columns.len() == k && !is_read[b]);
        if !fits {
            i = after.max(i + 1);
            continue;
        }
        let by_rows = if start == r { 0..=n } else { 0..=0 };
        // The readings that meet every row total, one of those that print the same texts.
        let mut readings: Vec<Vec<Vec<usize>>> = Vec::new();
        let texts = |reading: &[Vec<usize>]| -> Vec<Vec<&str>> {
            reading
                .iter()
                .map(|cells| cells.iter().map(|&j| items[j].text.as_ref()).collect())
                .collect()
        };
        for by_row in by_rows {
            let reading = reading(&run, k, by_row);
            if reading.iter().all(|cells| row_total_holds(items, cells))
                && !readings.iter().any(|other| texts(other) == texts(&reading))
            {
                readings.push(reading);
            }
        }
        if let [reading] = &readings[..] {
            is_read[block].fill(true);
            taken.push((start, reading.clone()));
        }
        i = after;
    }
    let taken: Vec<(&RowSpec, Vec<usize>)> = taken
        .into_iter()
        .flat_map(|(start, block)| rows[start..].iter().zip(block))
        .collect();
    if !taken.is_empty() && rules_across_rows_hold(items, rows, out, &taken) {
        for (spec, cells) in taken {
            take_row(out, spec, cells);
            out.read_apart.push(spec.path);
        }
    }
}

/// Rows of table 三 whose values stand where a row's values would, right before the next
/// row's label, but whose own label is printed elsewhere (text made of a PDF prints
/// `总计` / `21` … `21` / `二、上年结转政府信息公开申请数量`, and `一、本年新收…` after the
/// table): a row not read, the next row read by its label, and right before that label a run
/// of exactly the row's columns of values no row has. They are taken when every cell of
/// theirs is in an equation across rows (R3.1, R3.3) all of whose cells are read, and every
/// such equation holds.
fn read_table3_rows_before_next_label(items: &[Item], rows: &[RowSpec], out: &mut Alignment) {
    let used: Vec<usize> = out
        .rows
        .iter()
        .flat_map(|f| match &f.values {
            Values::Cells(v) | Values::Partial(v) | Values::Gapped(v) => v.clone(),
            Values::Run(j) => vec![*j],
        })
        .collect();
    for pair in rows.windows(2) {
        let (spec, next) = (&pair[0], &pair[1]);
        let k = spec.columns.len();
        let Some(label) = out
            .rows
            .iter()
            .find(|f| f.spec.path == next.path && matches!(f.values, Values::Cells(_)))
            .map(|f| f.label)
            .filter(|&l| matcher(next.path).is_some_and(|m| m.matches(&items[l])))
        else {
            continue;
        };
        let Some(first) = label.checked_sub(k) else {
            continue;
        };
        let run = first..label;
        let lone_run = run
            .clone()
            .all(|j| number(items, j).is_some() && !used.contains(&j))
            && (first == 0 || number(items, first - 1).is_none());
        if !unread(out, spec.path) || !lone_run {
            continue;
        }
        let taken = [(spec, run.collect::<Vec<usize>>())];
        if rules_across_rows_hold(items, rows, out, &taken) {
            let [(spec, cells)] = taken;
            take_row(out, spec, cells);
            out.read_apart.push(spec.path);
        }
    }
}

/// Whether the rows of table 三 `taken` (with their cells) may be read: every cell of theirs
/// is in an equation across rows (R3.1, R3.3) all of whose cells are read (in `out` or
/// `taken`), and every such equation holds.
fn rules_across_rows_hold(
    items: &[Item],
    rows: &[RowSpec],
    out: &Alignment,
    taken: &[(&RowSpec, Vec<usize>)],
) -> bool {
    // Every cell read, by key: the rows read before, and those taken.
    let mut read: HashMap<&str, f64> = HashMap::new();
    for found in &out.rows {
        if let Values::Cells(cells) = &found.values {
            for (column, &j) in found.spec.columns.iter().zip(cells) {
                if let Some(v) = number(items, j) {
                    read.insert(&column.key, v);
                }
            }
        }
    }
    for (spec, cells) in taken {
        for (column, &j) in spec.columns.iter().zip(cells) {
            match number(items, j) {
                Some(v) => read.insert(&column.key, v),
                None => read.remove(column.key.as_str()),
            };
        }
    }
    let is_taken = |key: &str| {
        taken
            .iter()
            .any(|(spec, _)| spec.columns.iter().any(|c| c.key == key))
    };
    let single_other = rows.iter().any(|r| r.path == "table3.result.other.total");
    let keys = rows
        .iter()
        .flat_map(|r| r.columns.iter().map(|c| c.key.as_str()));
    let sum = |keys: &[String]| -> Option<f64> {
        keys.iter().map(|k| read.get(k.as_str()).copied()).sum()
    };
    let equations = equations(keys, single_other);
    // The equations across rows with a cell taken and all their cells read, and whether each
    // holds.
    let checked: Vec<(Vec<&String>, bool)> = equations
        .iter()
        .filter(|eq| eq.rule == "R3.1" || eq.rule == "R3.3")
        .filter_map(|eq| {
            let (l, r) = (sum(&eq.lhs)?, sum(&eq.rhs)?);
            let cells: Vec<&String> = eq.lhs.iter().chain(&eq.rhs).collect();
            Some((cells, (l - r).abs() < 1e-9))
        })
        .filter(|(cells, _)| cells.iter().any(|k| is_taken(k)))
        .collect();
    let every_cell_checked = taken.iter().all(|(spec, _)| {
        spec.columns
            .iter()
            .all(|c| checked.iter().any(|(cells, _)| cells.contains(&&c.key)))
    });
    every_cell_checked && checked.iter().all(|(_, holds)| *holds)
}

/// Whether a row of table 三 is not read, or read only in part.
fn unread(out: &Alignment, path: &str) -> bool {
    out.missing_rows.contains(&path)
        || out
            .rows
            .iter()
            .any(|r| r.spec.path == path && matches!(r.values, Values::Partial(_)))
}

/// Records the cells of a row read by column, in place of what was found of it.
fn take_row(out: &mut Alignment, spec: &RowSpec, cells: Vec<usize>) {
    out.missing_rows.retain(|p| *p != spec.path);
    out.rows.retain(|f| f.spec.path != spec.path);
    out.rows.push(FoundRow {
        spec: spec.clone(),
        label: cells[0],
        values: Values::Cells(cells),
    });
}

/// The number a value item reads as (a dash is 0); `None` for other items.
fn number(items: &[Item], j: usize) -> Option<f64> {
    match items[j].value {
        CellValue::Number(n, _) => Some(n.as_f64()),
        CellValue::Dash => Some(0.0),
        _ => None,
    }
}

/// The run of values after the row label at item `i` (the rest of a wrapped label may stand
/// between them), up to `end`; `None` when another label or no value comes first.
fn run_after_label(items: &[Item], i: usize, end: usize) -> Option<Vec<usize>> {
    let start = (i + 1..end)
        .take(MAX_SKIPPED_TEXT)
        .find(|&j| number(items, j).is_some() || is_any_label(&items[j]))?;
    let run = value_run(items, start..end);
    (!run.is_empty()).then_some(run)
}

/// The cells of the rows a run of values holds, `k` a row: the first `by_row` rows row by
/// row, the rest column by column.
fn reading(run: &[usize], k: usize, by_row: usize) -> Vec<Vec<usize>> {
    let n = run.len() / k;
    let rest = n - by_row;
    (0..n)
        .map(|row| {
            (0..k)
                .map(|c| {
                    if row < by_row {
                        run[row * k + c]
                    } else {
                        run[by_row * k + c * rest + (row - by_row)]
                    }
                })
                .collect()
        })
        .collect()
}

/// Whether the last of a row's cells is the sum of the others (R3.2).
fn row_total_holds(items: &[Item], cells: &[usize]) -> bool {
    let Some((&total, parts)) = cells.split_last() else {
        return false;
    };
    let sum: f64 = parts.iter().filter_map(|&j| number(items, j)).sum();
    number(items, total).is_some_and(|total| (sum - total).abs() < 1e-9)
}

/// The values from the start of `range` up to the next row label or other text: the rest of a
/// wrapped label after the run's first value (`5.要求行政机关确认或重新出具已获` / `0` /
/// `取信息` / `0` …: the label's middle line holds the row's first value) is passed over
/// once, when it is label-sized and no row's label.
fn value_run(items: &[Item], range: std::ops::Range<usize>) -> Vec<usize> {
    let is_value = |j: usize| matches!(items[j].value, CellValue::Number(..) | CellValue::Dash);
    let mut run = Vec::new();
    let mut passed_label_rest = false;
    for j in range {
        let it = &items[j];
        if is_value(j) {
            run.push(j);
        } else if run.len() == 1
            && !passed_label_rest
            && !it.value.is_value()
            && !it.run
            && !it.fold.is_empty()
            && it.is_label_sized()
            && !is_any_label(it)
        {
            passed_label_rest = true;
        } else {
            break;
        }
    }
    run
}

/// The path of a row's block (`table2.art20_1` of `table2.art20_1.regulations`).
fn block_of(path: &str) -> &str {
    path.rsplit_once('.').map_or("", |(block, _)| block)
}

/// The column of a key (`issued` of `table2.art20_1.regulations.issued`).
fn column_of(key: &str) -> &str {
    key.rsplit_once('.').map_or("", |(_, column)| column)
}

/// Whether an item is header text of table 四: short with a header word, or header words
/// only, however many (a header row printed as one line). A header word printed over two
/// lines of its cell (`总` / `计`) leaves pieces of it in the line: characters of header
/// words are header too.
fn is_table4_header_text(it: &Item) -> bool {
    if it.fold_len <= 24 {
        return T4_HEADER_WORDS.iter().any(|w| it.fold.contains(w));
    }
    let mut rest = it.fold.clone();
    for word in T4_HEADER_WORDS {
        rest = rest.replace(word, "");
    }
    let others = rest
        .chars()
        .filter(|&c| !T4_HEADER_WORDS.iter().any(|w| w.contains(c)))
        .count();
    !it.fold.is_empty() && others <= 2
}

/// Whether an item is the heading or header of table 四 (行政复议 …).
fn is_table4_header(it: &Item) -> bool {
    let header = (it.fold.contains("行政复议") && it.fold_len <= 24)
        || (it.before_run && it.fold.contains("复议后起诉"));
    header && !it.value.is_value()
}

/// Table 四: its header (行政复议 … 结果维持 … 总计), then 15 values, in one row or in three
/// groups of five with headings between them.
fn find_table4(items: &[Item], from: usize, template: Template) -> Option<Vec<FoundRow>> {
    let specs: Vec<RowSpec> = template
        .rows()
        .iter()
        .filter(|r| r.path.starts_with("table4."))
        .cloned()
        .collect();
    // Its heading is looked for to the end: when table 三 could not be read, the cursor is
    // still before it.
    let anchor = (from..items.len()).find(|&i| is_table4_header(&items[i]))?;
    if items[anchor].before_run {
        // Run-together: the header and the 15 values ran into one segment and one run.
        return Some(vec![FoundRow {
            spec: RowSpec {
                path: "table4",
                columns: specs.iter().flat_map(|s| s.columns.clone()).collect(),
            },
            label: anchor,
            values: Values::Run(anchor + 1),
        }]);
    }
    let mut last_header = anchor;
    // The first number after the header (short text before it is header too: a header
    // printed a character a line).
    let mut first_number = None;
    for (j, it) in items.iter().enumerate().skip(anchor + 1).take(120) {
        if it.run || matches!(it.value, CellValue::Number(..)) {
            first_number = Some(j);
            break;
        }
        if !it.value.is_value() {
            if is_table4_header_text(it) {
                last_header = j;
            } else if it.fold_len > 24 && last_header > anchor {
                // Prose after the header: the table had no values.
                break;
            }
        }
    }
    let start = first_number.unwrap_or(last_header + 1);
    let mut got: Vec<usize> = Vec::new();
    let mut skipped = 0;
    let mut j = start;
    while j < items.len() && got.len() < 15 {
        let it = &items[j];
        if it.value.is_value() && !it.run {
            got.push(j);
            skipped = 0;
        } else if got.len().is_multiple_of(5)
            && !got.is_empty()
            && skipped < MAX_SKIPPED_TEXT
            && !it.run
        {
            // Headings between the groups of an OCR rendering.
            skipped += 1;
        } else {
            break;
        }
        j += 1;
    }
    if got.len() < 15 {
        if let Some(scattered) = scattered_table4(items, anchor) {
            got = scattered;
        }
    }
    if got.is_empty() {
        return None;
    }
    let one_row = got
        .iter()
        .all(|&j| items[j].row.is_some() && items[j].row == items[got[0]].row);
    if got.len() < 15 && one_row {
        if let Some(values) = gapped(items, &got) {
            return Some(vec![FoundRow {
                spec: RowSpec {
                    path: "table4",
                    columns: specs.iter().flat_map(|s| s.columns.clone()).collect(),
                },
                label: anchor,
                values,
            }]);
        }
    }
    let rows = specs
        .into_iter()
        .enumerate()
        .map(|(g, spec)| {
            let vals: Vec<usize> = got.iter().skip(g * 5).take(5).copied().collect();
            let values = if vals.len() == 5 {
                Values::Cells(vals)
            } else {
                Values::Partial(vals)
            };
            FoundRow {
                spec,
                label: anchor,
                values,
            }
        })
        .collect();
    Some(rows)
}

/// Table 四's 15 values scattered among its header words (text made of a PDF prints the
/// header's cells and the values in the order they were drawn): every number after the anchor
/// up to the prose that follows the table, when there are exactly 15 and each group of five
/// adds up (R4.1: the four results make the total) in that order; `None` otherwise.
fn scattered_table4(items: &[Item], anchor: usize) -> Option<Vec<usize>> {
    let mut got = Vec::new();
    for (j, it) in items.iter().enumerate().skip(anchor + 1).take(120) {
        if it.run {
            return None;
        }
        match it.value {
            CellValue::Number(..) | CellValue::Dash => got.push(j),
            CellValue::Blank => {}
            CellValue::Text => {
                if !is_table4_header_text(it) {
                    break;
                }
            }
        }
    }
    let value = |j: usize| match items[j].value {
        CellValue::Number(n, _) => n.as_f64(),
        _ => 0.0,
    };
    let adds_up = |got: &[usize]| {
        got.chunks(5).all(|group| {
            let results: f64 = group[..4].iter().map(|&j| value(j)).sum();
            (results - value(group[4])).abs() < 1e-9
        })
    };
    (got.len() == 15 && adds_up(&got)).then_some(got)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Block, Document};
    use crate::items::items;

    /// The 2021 template's row at `path`.
    fn row_2021(path: &str) -> &'static RowSpec {
        Template::V2021
            .rows()
            .iter()
            .find(|r| r.path == path)
            .unwrap()
    }

    /// A document of one paragraph per `|`-separated line.
    fn lines(text: &str) -> Document {
        Document {
            blocks: text
                .split('|')
                .map(|l| Block::Paragraph(l.to_string()))
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn labels_match_by_keywords_not_exact_strings() {
        let doc = lines("(二) 部分公开 (区分处理的, 只计这一情形, 不计其他情形)|2.其他法律行政止公开|规范性文件|规章(设区的市、自治州人民政府应提供相关数据)|3. 其他|（七）合计");
        let it = items(&doc);
        assert!(matcher("table3.result.partially_granted")
            .unwrap()
            .matches(&it[0]));
        assert!(matcher("table3.result.denied.prohibited_by_law")
            .unwrap()
            .matches(&it[1]));
        assert!(matcher("table2.art20_1.normative_docs")
            .unwrap()
            .matches(&it[2]));
        assert!(matcher("table2.art20_1.regulations")
            .unwrap()
            .matches(&it[3]));
        assert!(matcher("table3.result.other.other")
            .unwrap()
            .matches(&it[4]));
        assert!(matcher("table3.result_total").unwrap().matches(&it[5]));
        assert!(!matcher("table2.art20_1.regulations")
            .unwrap()
            .matches(&it[2]));
    }

    #[test]
    fn blank_lines_after_a_label_are_blank_values() {
        let doc = lines("二、上年结转政府信息公开申请数量|18| | | | | |18||三、本年度办理结果");
        let it = items(&doc);
        let spec = row_2021("table3.carried_over");
        let found = find_row(&it, 0, spec).unwrap();
        assert_eq!(found.values, Values::Cells(vec![1, 2, 3, 4, 5, 6, 7]));
    }

    #[test]
    fn a_label_wrapped_onto_the_next_line_is_read_as_one() {
        let doc = lines("（六）其|他处理|1、申请人无正当理由逾期不补|正、行政机关不再处理其政府信|息公开申请|67|3|0|0|1|0|71");
        let it = items(&doc);
        let spec = row_2021("table3.result.other.no_correction");
        let found = find_row(&it, 0, spec).unwrap();
        assert_eq!(found.label, 3);
        assert_eq!(found.values, Values::Cells((5..12).collect()));
        // Not across two labels that each name their own row, and not without its values.
        let doc = lines("1.本机关不掌握相关政府信息|2.没有现成信息需要另行制作|3|0");
        let it = items(&doc);
        let spec = row_2021("table3.result.other.no_correction");
        assert!(find_row(&it, 0, spec).is_none());
    }

    #[test]
    fn a_printed_row_with_fewer_values_than_columns_is_gapped() {
        let doc = crate::read::text::read(
            "一、本年新收政府信息公开申请数量   821   35   859\n\
             二、上年结转政府信息公开申请数量   18           18\n\
             （一）予以公开   258\n",
        );
        let it = items(&doc);
        let found = find_row(&it, 0, row_2021("table3.new_received")).unwrap();
        assert_eq!(found.values, Values::Gapped(vec![1, 2, 3]));
        // Never the next row's values.
        let found = find_row(&it, 4, row_2021("table3.carried_over")).unwrap();
        assert_eq!(found.values, Values::Gapped(vec![5, 6]));
    }

    #[test]
    fn values_that_may_be_another_rows_are_not_taken() {
        // More values than columns before the next text: rows printed by column.
        let doc = lines("政府集中采购|6|251000|13|其他");
        let it = items(&doc);
        let spec = Template::V2019
            .rows()
            .iter()
            .find(|r| r.path == "table2.art20_9.central_procurement")
            .unwrap();
        assert_eq!(
            find_row(&it, 0, spec).unwrap().values,
            Values::Partial(vec![])
        );
        // Values after a column header are that column's.
        let doc = lines("政府集中采购|本年新制作数量|0|89");
        let it = items(&doc);
        assert!(find_row(&it, 0, spec).is_none());
    }

    #[test]
    fn table4_values_scattered_among_its_header_are_read_when_they_add_up() {
        let doc = lines("四、政府信息公开行政复议、行政诉讼情况|行政复议|结果维持|2|结果|纠正|1|3|1|7|复议后起诉|0|0|0|0|0|总计|13|2|4|0|19|五、存在的主要问题及改进情况");
        let it = items(&doc);
        let rows = find_table4(&it, 0, Template::V2021).unwrap();
        let texts: Vec<Vec<&str>> = rows
            .iter()
            .map(|r| match &r.values {
                Values::Cells(v) => v.iter().map(|&i| it[i].text.as_ref()).collect(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            texts,
            vec![
                vec!["2", "1", "3", "1", "7"],
                vec!["0", "0", "0", "0", "0"],
                vec!["13", "2", "4", "0", "19"]
            ]
        );
        // A header printed a character a line (`结 结` / `果 果`) before the values.
        let doc = lines("行政复议|结 结|果 果|维 纠|2|1|3|1|7|0|0|0|0|0|13|2|4|0|19|五、存在的主要问题及改进情况");
        let it = items(&doc);
        let rows = find_table4(&it, 0, Template::V2021).unwrap();
        assert_eq!(rows[2].values, Values::Cells((14..19).collect()));
        // 总计 printed over two lines of its cell: the long header line ends in `计` and
        // carries the next header's `总`.
        let doc = lines("行政复议 行政诉讼|结果 结果 其他 尚未 总|维持 纠正 结果 审结 计 结果 结果 其他 尚未 总 结果 结果 其他 尚未 总|维持 纠正 结果 审结 计 维持 纠正 结果 审结 计|2|1|3|1|7|0|0|0|0|0|13|2|4|0|19|五、存在的主要问题及改进情况");
        let it = items(&doc);
        let rows = find_table4(&it, 0, Template::V2021).unwrap();
        assert_eq!(rows[2].values, Values::Cells((14..19).collect()));
        // Out of order (the groups do not add up): not read.
        let doc = lines("行政复议|结果维持|72|64|178|37|尚未|12|1|1|6|总计|351|13|4|8|1|26|总计|20|五、存在的主要问题及改进情况");
        let it = items(&doc);
        let rows = find_table4(&it, 0, Template::V2021).unwrap();
        assert!(rows.iter().all(|r| !matches!(r.values, Values::Cells(_))));
    }

    /// The texts of the cells the alignment gives the row `path`.
    fn row_texts<'a>(alignment: &Alignment, items: &'a [Item<'_>], path: &str) -> Vec<&'a str> {
        let row = alignment.rows.iter().find(|r| r.spec.path == path).unwrap();
        match &row.values {
            Values::Cells(v) => v.iter().map(|&i| items[i].text.as_ref()).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn table2_printed_by_column_is_read_by_column() {
        let doc = lines("二、主动公开政府信息情况|第二十条第（一）项|信息内容|规章|行政规范性文件|第二十条第（五）项|信息内容|行政许可|第二十条第（六）项|信息内容|行政处罚|行政强制|第二十条第（八）项|信息内容|行政事业性收费|本年制发件数|0|62|本年废止件数|0|33|现行有效件数|0|440|本年处理决定数量|4529|本年处理决定数量|1100|65|本年收费金额（单位：万元）|18651.06|三、收到和处理政府信息公开申请情况");
        let it = items(&doc);
        let alignment = align(&it);
        let read = |path: &str| row_texts(&alignment, &it, path);
        assert_eq!(read("table2.art20_1.regulations"), vec!["0", "0", "0"]);
        assert_eq!(
            read("table2.art20_1.normative_docs"),
            vec!["62", "33", "440"]
        );
        assert_eq!(read("table2.art20_5.licensing"), vec!["4529"]);
        assert_eq!(read("table2.art20_6.penalty"), vec!["1100"]);
        assert_eq!(read("table2.art20_6.coercion"), vec!["65"]);
        assert_eq!(read("table2.art20_8.admin_fees"), vec!["18651.06"]);
        // A column with a value too few leaves its block unread.
        let doc = lines("第二十条第（一）项|规章|行政规范性文件|本年制发件数|0|本年废止件数|0|33|现行有效件数|0|440|三、收到和处理政府信息公开申请情况");
        let it = items(&doc);
        let alignment = align(&it);
        assert!(alignment
            .rows
            .iter()
            .all(|r| !r.spec.path.starts_with("table2.art20_1")));
    }

    #[test]
    fn table3_rows_are_not_looked_for_in_table4() {
        // （七）总计's values were lost; table 四's 总计 header must not stand in for it.
        let doc = lines("本年制发件数|一、本年新收政府信息公开申请数量|1|0|0|0|0|0|1|（七）总计|四、政府信息公开行政复议、行政诉讼情况|行政复议|结果维持|2|总计|1|3|1|7|0|0|0|0|0|13|2|4|0|19|五、存在的主要问题及改进情况");
        let it = items(&doc);
        let alignment = align(&it);
        assert!(alignment.missing_rows.contains(&"table3.result_total"));
        let t4 = alignment
            .rows
            .iter()
            .find(|r| r.spec.path == "table4.admin_review")
            .unwrap();
        assert_eq!(t4.values, Values::Cells(vec![13, 15, 16, 17, 18]));
    }

    #[test]
    fn table3_rows_printed_by_column_are_read_when_only_one_reading_adds_up() {
        // （二） row by row, then 1.属于国家秘密 and 2.其他法律… column by column.
        let doc = lines("本年制发件数|一、本年新收政府信息公开申请数量|9|0|0|0|0|0|9|二、上年结转政府信息公开申请数量|0|0|0|0|0|0|0|（一）予以公开|5|0|0|0|0|0|5|（二）部分公开|4|0|0|0|0|0|4|1|3|0|0|0|0|0|0|0|0|0|0|1|3|1.属于国家秘密|2.其他法律行政法规禁止公开|3.危及“三安全一稳定”");
        let it = items(&doc);
        let alignment = align(&it);
        let read = |path: &str| row_texts(&alignment, &it, path);
        assert_eq!(
            read("table3.result.partially_granted"),
            vec!["4", "0", "0", "0", "0", "0", "4"]
        );
        assert_eq!(
            read("table3.result.denied.state_secret"),
            vec!["1", "0", "0", "0", "0", "0", "1"]
        );
        assert_eq!(
            read("table3.result.denied.prohibited_by_law"),
            vec!["3", "0", "0", "0", "0", "0", "3"]
        );
        // The same values with the other rows' labels not after them: not read.
        let doc = lines("本年制发件数|一、本年新收政府信息公开申请数量|9|0|0|0|0|0|9|二、上年结转政府信息公开申请数量|0|0|0|0|0|0|0|（一）予以公开|5|0|0|0|0|0|5|1.属于国家秘密|2.其他法律行政法规禁止公开|（二）部分公开|4|0|0|0|0|0|4|1|3|0|0|0|0|0|0|0|0|0|0|1|3|3.危及“三安全一稳定”");
        let it = items(&doc);
        let alignment = align(&it);
        assert!(alignment
            .missing_rows
            .contains(&"table3.result.denied.state_secret"));
    }

    #[test]
    fn a_wrapped_label_holding_the_first_value_starts_a_run_of_rows() {
        // The label's middle line prints the row's first value; the next row's values follow
        // the rest of the label, its label after them.
        let doc = lines("本年制发件数|一、本年新收政府信息公开申请数量|9|0|0|0|0|0|9|5.要求行政机关确认或重新出具已获|1|取信息|0|0|0|0|0|1|2|0|0|0|0|0|2|1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请");
        let it = items(&doc);
        let alignment = align(&it);
        let read = |path: &str| row_texts(&alignment, &it, path);
        assert_eq!(
            read("table3.result.not_processed.confirm_or_reissue"),
            vec!["1", "0", "0", "0", "0", "0", "1"]
        );
        assert_eq!(
            read("table3.result.other.no_correction"),
            vec!["2", "0", "0", "0", "0", "0", "2"]
        );
    }

    /// Table 三 (2021) with the rows 2.重复申请 to 4.无正当理由大量反复申请 printed by column
    /// after the label of 3.要求提供公开出版物, the other two labels after the table; the
    /// natural persons' column: 4 new, 2 granted, 2 repeated, and (七) `total` in all.
    fn table3_with_a_block_by_column(total: &str) -> String {
        let block = [
            "table3.result.not_processed.repeated",
            "table3.result.not_processed.publication",
            "table3.result.not_processed.excessive_requests",
        ];
        let mut text = vec!["本年制发件数".to_string()];
        for spec in Template::V2021.rows() {
            let first = match spec.path {
                "table3.new_received" => "4",
                "table3.result.granted" => "2",
                "table3.result_total" => total,
                p if p.starts_with("table3.") => "0",
                _ => continue,
            };
            let label = match spec.path {
                "table3.new_received" => "一、本年新收政府信息公开申请数量",
                "table3.carried_over" => "二、上年结转政府信息公开申请数量",
                "table3.result.granted" => "（一）予以公开",
                "table3.result.partially_granted" => "（二）部分公开",
                "table3.result_total" => "（七）总计",
                "table3.carried_forward" => "四、结转下年度继续办理",
                p => {
                    let m = matcher(p).unwrap();
                    m.keywords.first().or(m.exact.first()).unwrap()
                }
            };
            if spec.path == block[1] {
                // By column: 2,0,0 then 0,0,0 five times, then the totals 2,0,0.
                text.push(label.to_string());
                text.extend(["2", "0", "0"].map(String::from));
                text.extend(std::iter::repeat_n("0".to_string(), 15));
                text.extend(["2", "0", "0"].map(String::from));
            } else if !block.contains(&spec.path) {
                text.push(label.to_string());
                text.push(first.to_string());
                text.extend(std::iter::repeat_n("0".to_string(), 5));
                text.push(first.to_string());
            }
        }
        text.extend(["重复申请", "无正当理由大量反复申请"].map(String::from));
        text.join("|")
    }

    #[test]
    fn a_block_of_rows_by_column_starts_after_the_rows_read() {
        let doc = lines(&table3_with_a_block_by_column("4"));
        let it = items(&doc);
        let alignment = align(&it);
        let read = |path: &str| row_texts(&alignment, &it, path);
        assert_eq!(
            read("table3.result.not_processed.repeated"),
            vec!["2", "0", "0", "0", "0", "0", "2"]
        );
        assert_eq!(
            read("table3.result.not_processed.publication"),
            vec!["0"; 7]
        );
        assert!(alignment
            .read_apart
            .contains(&"table3.result.not_processed.repeated"));
        // The same values when the results do not add up to (七): not read.
        let doc = lines(&table3_with_a_block_by_column("5"));
        let it = items(&doc);
        let alignment = align(&it);
        assert!(alignment
            .missing_rows
            .contains(&"table3.result.not_processed.repeated"));
    }

    #[test]
    fn values_before_the_next_rows_label_are_a_row_whose_label_is_elsewhere() {
        let doc = |total: &str| {
            lines(&format!("本年制发件数|总计|4|0|0|0|0|0|4|二、上年结转政府信息公开申请数量|1|0|0|0|0|0|1|（七）总计|{total}|0|0|0|0|0|{total}|四、结转下年度继续办理|1|0|0|0|0|0|1|一、本年新收政府信息公开申请数量"))
        };
        let doc_adding_up = doc("4");
        let it = items(&doc_adding_up);
        let alignment = align(&it);
        assert_eq!(
            row_texts(&alignment, &it, "table3.new_received"),
            vec!["4", "0", "0", "0", "0", "0", "4"]
        );
        assert_eq!(alignment.read_apart, ["table3.new_received"]);
        // New and carried over do not make (七) and carried forward (R3.1): not read.
        let doc_not_adding_up = doc("3");
        let it = items(&doc_not_adding_up);
        assert!(align(&it).missing_rows.contains(&"table3.new_received"));
    }

    #[test]
    fn a_value_centred_on_a_wrapped_label_is_the_rows_first() {
        let doc = lines("第二十条第（一）项|信息内容|本年制发件数|本年废止件数|现行有效件数|规章|0|0|0|行政规范性文|62|件|33|440|第二十条第（八）项|信息内容|本年收费金额（单位：万元）|行政事业性收|18651.06|费|三、收到和处理政府信息公开申请情况");
        let it = items(&doc);
        let alignment = align(&it);
        let read = |path: &str| row_texts(&alignment, &it, path);
        assert_eq!(
            read("table2.art20_1.normative_docs"),
            vec!["62", "33", "440"]
        );
        assert_eq!(read("table2.art20_8.admin_fees"), vec!["18651.06"]);
    }

    #[test]
    fn a_header_row_between_a_label_and_its_values_is_passed_over() {
        let doc = lines("第二十条第（一）项|信息内容|规章|本年新|制作数量|本年新|对外公开总数量|公开数量|13|13|524|规范性文件|60|60|368|第二十条第（五）项");
        let it = items(&doc);
        let alignment = align(&it);
        let read = |path: &str| row_texts(&alignment, &it, path);
        assert_eq!(read("table2.art20_1.regulations"), vec!["13", "13", "524"]);
        assert_eq!(
            read("table2.art20_1.normative_docs"),
            vec!["60", "60", "368"]
        );
        // Values followed by another column's header are a column's, not the row's.
        let doc = lines("规章|本年新制作数量|13|60|1|本年新公开数量|13|60|1");
        let it = items(&doc);
        let spec = Template::V2019
            .rows()
            .iter()
            .find(|r| r.path == "table2.art20_1.regulations")
            .unwrap();
        assert_eq!(read_values(&it, 0, spec, false), None);
    }

    #[test]
    fn template_is_detected_from_headers() {
        let doc = lines(
            "第二十条第（一）项|信息内容|本年新制作数量|本年新公开数量|对外公开总数量|规章|1|2|3",
        );
        let it = items(&doc);
        assert_eq!(detect_t2_template(&it), Some(Template::V2019));
        let doc = lines("第二十条第（一）项|信息内容|本年制发件数|本年废止件数|现行有效件数");
        let it = items(&doc);
        assert_eq!(detect_t2_template(&it), Some(Template::V2021));
    }
}
