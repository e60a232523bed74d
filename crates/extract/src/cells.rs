//! From aligned rows to canonical cells: each value item read as a number, blank or dash and
//! checked against its key's kind (counts are integers ≥ 0, 本年增/减 may be negative, amounts
//! are decimals); units printed inside cells converted where the template fixes the unit; rows
//! whose cells ran together, or that left their blank cells out, solved as one table; every key
//! of the template present exactly once. A row printed without its blank cells in text laid
//! out in lines goes to the solver with the columns each value may stand in by its place under
//! the column headers (`crate::columns`); the rows left undecided are given windows by the
//! rows decided on their page and solved again; the rows whose labels are printed alone are
//! blank, and their blank applicant cells are tried as 0 in the rules (the reading that
//! decides more cells is taken).

use std::collections::{BTreeMap, HashMap};

use nianbao_schema::{
    all_keys, checks::equations, Cell, KeySpec, Number, RowSpec, Status, Template, ValueKind,
};

use crate::align::{label_only_rows, Alignment, Values};
use crate::columns;
use crate::document::TextLayout;
use crate::items::Item;
use crate::normalize::CellValue;
use crate::solve::{self, Budget, Resolved, RunForm, RunRow};

/// The cells of a report and the warnings met while reading them.
pub struct CellsRead {
    /// Every key of the template, in `keys.tsv` order.
    pub cells: Vec<Cell>,
    /// Everything unusual.
    pub warnings: Vec<String>,
    /// The recognition confidence of the cells read from a scan, by key.
    pub confidence: Vec<(String, f32)>,
}

/// Reads the cells of an aligned document; rows whose cells ran together are solved within
/// `budget`, with the `facts` the prose states as soft evidence, and rows printed without
/// their blank cells with their values' places under the column headers, when the `layout`
/// of a text laid out in lines tells them.
pub fn read_cells(
    items: &[Item],
    alignment: &Alignment,
    budget: &Budget,
    facts: &[solve::Fact],
    layout: Option<&TextLayout>,
) -> CellsRead {
    let mut warnings = Vec::new();
    let Some(template) = alignment.template else {
        return CellsRead {
            cells: Vec::new(),
            warnings,
            confidence: Vec::new(),
        };
    };
    // The cells read so far, by key index.
    let mut found: Vec<Option<Cell>> = vec![None; all_keys().len()];
    let mut runs = Runs::default();
    let mut confidence = Vec::new();
    for row in &alignment.rows {
        match &row.values {
            Values::Cells(idx) => {
                for (spec, &i) in row.spec.columns.iter().zip(idx) {
                    if let Some(c) = items[i].confidence {
                        confidence.push((spec.key.clone(), c));
                    }
                    found[spec.index] = Some(read_cell(spec, &items[i], &mut warnings));
                }
            }
            // Fewer values than columns before the next text: blank cells left out, or values
            // of the row printed elsewhere. Placed by the solver when the row total can tell:
            // it must hold, on two values or more, not all zero.
            Values::Partial(idx) if total_can_tell(&row.spec, items, idx) => {
                runs.push(
                    RunRow::gapped(&row.spec, solver_texts(items, idx), false),
                    None,
                );
            }
            Values::Partial(idx) => {
                let raw: Vec<&str> = idx.iter().map(|&i| items[i].text.as_ref()).collect();
                warnings.push(format!(
                    "{}: found {} of {} value cells ({:?}), in columns not known: the row is missing",
                    row.spec.path,
                    idx.len(),
                    row.spec.columns.len(),
                    raw.join(" ")
                ));
            }
            Values::Run(i) => {
                runs.push(RunRow::new(&row.spec, items[*i].text.to_string()), None);
            }
            Values::Gapped(idx) => {
                let mut run = RunRow::gapped(&row.spec, solver_texts(items, idx), true);
                let labels: Vec<&'static str> =
                    row.spec.columns.iter().map(|k| column_label(k)).collect();
                let block = items[idx[0]].row.map(|(block, _)| block);
                if let (Some(layout), Some(block)) = (layout, block) {
                    run.windows = columns::windows(layout, block, idx.len(), &labels, &[])
                        .unwrap_or_default();
                }
                runs.push(run, block.map(|b| (b, labels)));
            }
        }
    }
    // In text laid out in lines a row is a line: a label printed alone is a row of blanks.
    let blank_rows = if layout.is_some() {
        label_only_rows(items, alignment)
    } else {
        Vec::new()
    };
    runs.blank_rows.clone_from(&blank_rows);
    if !runs.rows.is_empty() {
        solve_runs(
            &mut runs,
            &mut found,
            alignment,
            budget,
            facts,
            layout,
            &mut warnings,
        );
    }
    for spec in blank_rows.iter().flat_map(|path| row_keys(path)) {
        found[spec.index] = Some(Cell {
            status: Status::Blank,
            raw: Some(String::new()),
            ..Cell::missing(&spec.key)
        });
    }
    if !blank_rows.is_empty() {
        warnings.push(format!(
            "{} rows of table 三 print their labels alone, without values: read as rows of blank cells ({})",
            blank_rows.len(),
            blank_rows.join(", ")
        ));
    }
    for path in alignment
        .missing_rows
        .iter()
        .filter(|p| !blank_rows.contains(p))
    {
        warnings.push(format!("{path}: row not found"));
    }
    let cells = output_keys(template, alignment.single_other_in_2021)
        .map(|spec| {
            found[spec.index]
                .take()
                .unwrap_or_else(|| Cell::missing(&spec.key))
        })
        .collect();
    CellsRead {
        cells,
        warnings,
        confidence,
    }
}

/// Whether a row's row total can tell that `values` are the whole row: a row of table 三
/// (its values follow its own label; table 四's groups are cut from one list of values), and
/// they are two or more printed values (numbers or dashes), not all zero.
fn total_can_tell(spec: &RowSpec, items: &[Item], values: &[usize]) -> bool {
    let has_total = spec.path.starts_with("table3.")
        && spec
            .columns
            .last()
            .is_some_and(|k| k.key.ends_with(".total"));
    let printed = values
        .iter()
        .all(|&i| matches!(items[i].value, CellValue::Number(..) | CellValue::Dash));
    let non_zero = values
        .iter()
        .any(|&i| matches!(items[i].value, CellValue::Number(n, _) if n.as_f64() != 0.0));
    has_total && values.len() >= 2 && printed && non_zero
}

/// The keys of the row `path` (`table3.result.granted` → its seven keys).
fn row_keys(path: &str) -> impl Iterator<Item = &'static KeySpec> + '_ {
    all_keys().iter().filter(move |k| {
        k.key
            .strip_prefix(path)
            .and_then(|rest| rest.strip_prefix('.'))
            .is_some_and(|column| !column.contains('.'))
    })
}

/// The label a column prints over its cells: the last part of its column label
/// (`法人或其他组织 / 商业企业` → `商业企业`).
fn column_label(key: &KeySpec) -> &str {
    key.column_label
        .rsplit(" / ")
        .next()
        .unwrap_or(&key.column_label)
}

/// Value items as the solver reads them: a dash is `-`, numbers as printed.
fn solver_texts<'i>(items: &'i [Item], idx: &[usize]) -> Vec<&'i str> {
    idx.iter()
        .map(|&i| match items[i].value {
            CellValue::Dash => "-",
            _ => items[i].text.trim(),
        })
        .collect()
}

/// The keys a report of this template and layout prints, in `keys.tsv` order.
pub fn output_keys(
    template: Template,
    single_other_in_2021: bool,
) -> Box<dyn Iterator<Item = &'static KeySpec>> {
    if single_other_in_2021 {
        Box::new(all_keys().iter().filter(move |k| {
            k.belongs_to(template) || k.key.starts_with("table3.result.other.total.")
        }))
    } else {
        Box::new(template.keys())
    }
}

/// How many times the rows left undecided are placed anew by the rows decided on their page.
const MAX_PLACING_PASSES: usize = 3;

/// The rows handed to the solver, with what reads its answer back.
#[derive(Default)]
struct Runs {
    rows: Vec<RunRow>,
    /// The run each key was read from, as the cells' `raw`.
    raw: HashMap<String, String>,
    /// Per row printed as a line of a text laid out in lines: the block of its one-row table
    /// and its columns' labels.
    placed: Vec<Option<(usize, Vec<&'static str>)>>,
    /// The rows of table 三 whose labels a text laid out in lines prints alone: rows of blank
    /// cells.
    blank_rows: Vec<&'static str>,
}

impl Runs {
    fn push(&mut self, run: RunRow, placed: Option<(usize, Vec<&'static str>)>) {
        for (key, _) in &run.columns {
            self.raw.insert(key.clone(), run.run.clone());
        }
        self.rows.push(run);
        self.placed.push(placed);
    }

    /// Gives the rows `solution` left undecided the windows the decided rows of the same
    /// columns on their page tell (see `crate::columns`); whether any window changed.
    fn place_by_decided_rows(&mut self, layout: &TextLayout, solution: &solve::Solution) -> bool {
        let decided_columns = |row: &RunRow| -> Option<Vec<usize>> {
            let mut columns = Vec::new();
            for (c, (key, _)) in row.columns.iter().enumerate() {
                match solution.cells.get(key)? {
                    Resolved::Value { raw, .. } if raw.is_empty() => {}
                    Resolved::Value { .. } => columns.push(c),
                    Resolved::Ambiguous { .. } => return None,
                }
            }
            Some(columns)
        };
        let decided: Vec<Option<Vec<usize>>> = self.rows.iter().map(decided_columns).collect();
        let mut changed = false;
        for r in 0..self.rows.len() {
            let Some((block, labels)) = &self.placed[r] else {
                continue;
            };
            if decided[r].is_some() {
                continue;
            }
            let anchors: Vec<(usize, Vec<usize>)> = (0..self.rows.len())
                .filter(|&o| o != r && same_columns(&self.rows[o], &self.rows[r]))
                .filter_map(|o| Some((self.placed[o].as_ref()?.0, decided[o].clone()?)))
                .collect();
            let values = self.rows[r].run.split_whitespace().count();
            let windows =
                columns::windows(layout, *block, values, labels, &anchors).unwrap_or_default();
            if windows != self.rows[r].windows {
                self.rows[r].windows = windows;
                changed = true;
            }
        }
        changed
    }
}

/// Whether two rows have the same columns (the same last part of every key).
fn same_columns(a: &RunRow, b: &RunRow) -> bool {
    let names = |r: &RunRow| -> Vec<String> {
        r.columns
            .iter()
            .map(|(k, _)| k.rsplit('.').next().unwrap_or(k).to_string())
            .collect()
    };
    names(a) == names(b)
}

fn solve_runs(
    runs: &mut Runs,
    found: &mut [Option<Cell>],
    alignment: &Alignment,
    budget: &Budget,
    facts: &[solve::Fact],
    layout: Option<&TextLayout>,
    warnings: &mut Vec<String>,
) {
    let known: HashMap<String, f64> = found
        .iter()
        .flatten()
        .filter_map(|c| match c.status {
            Status::Number => c.value.map(|v| (c.key.clone(), v.as_f64())),
            Status::Blank | Status::Dash => Some((c.key.clone(), 0.0)),
            _ => None,
        })
        .collect();
    let keys: Vec<String> = found
        .iter()
        .flatten()
        .map(|c| c.key.clone())
        .chain(
            runs.rows
                .iter()
                .flat_map(|r| r.columns.iter().map(|(k, _)| k.clone())),
        )
        .collect();
    let single_other =
        alignment.template == Some(Template::V2019) || alignment.single_other_in_2021;
    let eqs = equations(keys.iter().map(String::as_str), single_other);
    // The rows printed as labels alone are blank: their applicant cells as 0 bring the rules
    // over all the rows of table 三 into play (not their totals: a total left blank may be
    // unfilled, as sub-rows often leave it). Taken when that reads more cells: the search
    // over all the rows may run out of its budget where the one without them did not.
    let blank: Vec<&KeySpec> = runs
        .blank_rows
        .iter()
        .flat_map(|path| row_keys(path))
        .filter(|k| !k.key.ends_with(".total"))
        .collect();
    let mut known_blank = known.clone();
    known_blank.extend(blank.iter().map(|k| (k.key.clone(), 0.0)));
    let eqs_blank = equations(
        keys.iter()
            .map(String::as_str)
            .chain(blank.iter().map(|k| k.key.as_str())),
        single_other,
    );
    let read = |rows: &[RunRow]| {
        let without = solve::solve(rows, &known, &eqs, facts, budget);
        if blank.is_empty() {
            return without;
        }
        let with = solve::solve(rows, &known_blank, &eqs_blank, facts, budget);
        if with.stats.ambiguous < without.stats.ambiguous {
            with
        } else {
            without
        }
    };
    let mut solution = read(&runs.rows);
    // A table continued on a page without its header: its rows there are placed by the rows
    // read on that page, as long as that reads more of them.
    for _ in 0..MAX_PLACING_PASSES {
        if !layout.is_some_and(|layout| runs.place_by_decided_rows(layout, &solution)) {
            break;
        }
        solution = read(&runs.rows);
    }
    warnings.extend(solution.warnings.iter().cloned());
    if solution.stats.by_facts > 0 {
        let stated: Vec<&str> = facts.iter().map(|f| f.source.as_str()).collect();
        warnings.push(format!(
            "{} run-together cells were decided by numbers the report states in its prose ({})",
            solution.stats.by_facts,
            stated.join("; ")
        ));
    }
    for v in &solution.violated {
        warnings.push(format!(
            "the only consistent reading of the run-together digits violates {v}"
        ));
    }
    let solved: BTreeMap<String, Resolved> = solution.cells;
    let gapped: Vec<&String> = runs
        .rows
        .iter()
        .filter(|r| matches!(r.form, RunForm::Gapped { .. }))
        .flat_map(|r| r.columns.iter().map(|(k, _)| k))
        .collect();
    for (key, resolved) in solved {
        let Some(spec) = nianbao_schema::key_spec(&key) else {
            continue;
        };
        let raw = runs.raw.get(&key).cloned();
        let cell = match resolved {
            // A column left without a value in a row printed without its blank cells.
            Resolved::Value { raw: cell_raw, .. } if cell_raw.is_empty() => Cell {
                key: key.clone(),
                value: None,
                status: Status::Blank,
                raw: Some(cell_raw),
                candidates: Vec::new(),
                unit: None,
            },
            Resolved::Value {
                value,
                raw: cell_raw,
            } => Cell {
                key: key.clone(),
                value: Some(typed(value, spec.kind)),
                status: Status::Number,
                raw: Some(cell_raw),
                candidates: Vec::new(),
                unit: None,
            },
            // A row printed without its blank cells that could not be placed is not read.
            Resolved::Ambiguous { candidates }
                if candidates.is_empty() && gapped.contains(&&key) =>
            {
                Cell::missing(&key)
            }
            Resolved::Ambiguous { candidates } => Cell {
                key: key.clone(),
                value: None,
                status: Status::Ambiguous,
                raw,
                candidates,
                unit: None,
            },
        };
        found[spec.index] = Some(cell);
    }
}

/// Amounts are decimals; counts integers.
fn typed(n: Number, kind: ValueKind) -> Number {
    match (kind, n) {
        (ValueKind::Amount, Number::Int(i)) => Number::Decimal(i as f64),
        _ => n,
    }
}

fn read_cell(spec: &KeySpec, item: &Item, warnings: &mut Vec<String>) -> Cell {
    let raw = Some(item.text.to_string());
    let base = Cell {
        raw,
        ..Cell::missing(&spec.key)
    };
    match &item.value {
        CellValue::Blank => Cell {
            status: Status::Blank,
            ..base
        },
        CellValue::Dash => Cell {
            status: Status::Dash,
            ..base
        },
        CellValue::Text => {
            warnings.push(format!(
                "{}: expected a number, found {:?}",
                spec.key, item.text
            ));
            base
        }
        CellValue::Number(n, unit) => {
            let mut value = typed(*n, spec.kind);
            match spec.kind {
                ValueKind::Count | ValueKind::SignedCount if matches!(n, Number::Decimal(_)) => {
                    warnings.push(format!(
                        "{}: a count printed as a decimal ({})",
                        spec.key, item.text
                    ));
                }
                ValueKind::Count if n.as_f64() < 0.0 => {
                    warnings.push(format!("{}: a negative count ({})", spec.key, item.text));
                }
                _ => {}
            }
            if spec.key.ends_with("amount_wan_yuan") && unit.as_deref() == Some("元") {
                value = Number::Decimal(n.as_f64() / 10_000.0);
                warnings.push(format!(
                    "{}: printed in 元 ({}) where the table fixes 万元; converted to {} 万元",
                    spec.key,
                    item.text,
                    n.as_f64() / 10_000.0
                ));
            }
            Cell {
                value: Some(value),
                status: Status::Number,
                unit: unit.clone(),
                ..base
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{align::align, items::items, read::text};

    fn cell<'c>(cells: &'c [Cell], key: &str) -> &'c Cell {
        cells.iter().find(|c| c.key == key).unwrap()
    }

    #[test]
    fn a_row_whose_values_cannot_say_their_columns_is_ambiguous() {
        // Text made of a PDF (a page break), blank cells gone: `26 26` meets the row total
        // with 26 as the total and 26 in any one of the six applicant columns.
        let doc = text::read(
            "本年制发件数\n\n一、本年新收政府信息公开申请数量\n\n26\n\n26\n\u{c}二、上年结转政府信息公开申请数量\n",
        );
        let it = items(&doc);
        let read = read_cells(&it, &align(&it), &Budget::default(), &[], None);
        let total = cell(&read.cells, "table3.new_received.total");
        assert_eq!(total.value, Some(Number::Int(26)));
        let person = cell(&read.cells, "table3.new_received.natural_person");
        assert_eq!(person.status, Status::Ambiguous);
        assert_eq!(person.candidates, vec![Number::Int(0), Number::Int(26)]);
        // A lone zero says nothing about its row: not read.
        let doc = text::read(
            "本年制发件数\n\n一、本年新收政府信息公开申请数量\n\n0\n\u{c}二、上年结转政府信息公开申请数量\n",
        );
        let it = items(&doc);
        let read = read_cells(&it, &align(&it), &Budget::default(), &[], None);
        let person = cell(&read.cells, "table3.new_received.natural_person");
        assert_eq!(person.status, Status::Missing);
    }

    /// The cells of a 2021 table 三 printed by `pdftotext -layout` with the header at the top
    /// and `rows` below it, on one page.
    fn laid_out(rows: &[&str]) -> CellsRead {
        let header =
            "                    自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计";
        let text = format!("本年制发件数\n{header}\n{}\n\u{c}", rows.join("\n"));
        let doc = text::read(&text);
        let it = items(&doc);
        read_cells(
            &it,
            &align(&it),
            &Budget::default(),
            &[],
            doc.layout.as_ref(),
        )
    }

    #[test]
    fn the_blank_cells_of_a_laid_out_row_are_known_by_its_values_places() {
        // 3 is under 法律服务机构: four columns it could fill otherwise by every rule.
        let read = laid_out(&[
            "一、本年新收政府信息公开申请数量    5                      3       8",
            "二、上年结转政府信息公开申请数量",
            "（一）予以公开             5                      3",
            "（七）总计               5                      3       8",
        ]);
        // A label printed alone is a row of blank cells.
        let carried = cell(&read.cells, "table3.carried_over.natural_person");
        assert_eq!(carried.status, Status::Blank);
        assert!(read
            .warnings
            .iter()
            .any(|w| w.contains("(table3.carried_over)")));
        for row in ["new_received", "result.granted", "result_total"] {
            let key = |c: &str| format!("table3.{row}.{c}");
            let value = |c: &str| cell(&read.cells, &key(c)).value;
            assert_eq!(value("natural_person"), Some(Number::Int(5)), "{row}");
            assert_eq!(value("legal_service_org"), Some(Number::Int(3)), "{row}");
            let commercial = cell(&read.cells, &key("commercial_enterprise"));
            assert_eq!(commercial.status, Status::Blank, "{row}");
        }
        assert_eq!(
            cell(&read.cells, "table3.new_received.total").value,
            Some(Number::Int(8))
        );
        // The same values under 商业企业.
        let read = laid_out(&[
            "一、本年新收政府信息公开申请数量    5    3                             8",
            "（一）予以公开             5    3",
            "（七）总计               5    3                             8",
        ]);
        let commercial = cell(&read.cells, "table3.new_received.commercial_enterprise");
        assert_eq!(commercial.value, Some(Number::Int(3)));
        let legal = cell(&read.cells, "table3.new_received.legal_service_org");
        assert_eq!(legal.status, Status::Blank);
    }

    #[test]
    fn places_that_fit_no_reading_are_not_used() {
        // 9 is under 总计 but 5 + 3 is not 9: read without the places, the row is ambiguous.
        let read = laid_out(&[
            "一、本年新收政府信息公开申请数量    5                      3        9",
            "（一）予以公开             5                      3",
            "（七）总计               5                      3        9",
        ]);
        let person = cell(&read.cells, "table3.new_received.natural_person");
        assert_eq!(person.status, Status::Ambiguous);
        assert!(
            read.warnings
                .iter()
                .any(|w| w.contains("they are read without their places")),
            "{:?}",
            read.warnings
        );
    }
}
