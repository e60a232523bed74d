//! Recovering table cells whose separators were lost in a text dump.
//!
//! A text dump prints a row such as `（一）予以公开270020130`: the seven cells ran together and the
//! run fits both 27|0|0|2|0|1|30 and 2|7|0|0|20|1|30. This module turns such runs back into values
//! using only what the report itself guarantees, and says so when that is not enough.
//!
//! # Algorithm
//!
//! 1. **Split** ([`split_candidates`]): every run is cut into exactly one cell per column under
//!    the cell grammar (no leading zeros, a sign only in signed columns, decimals and a 元/万元
//!    unit only in amounts, surviving spaces are boundaries, a lone `-` is a dash read as 0).
//!    A row printed without its blank cells ([`RunForm::Gapped`]) is split by placing its
//!    values, in order, in the columns, the others blank (read as 0); its row total (R3.2)
//!    applies only where the total is printed, as in the checks, when the row is known to be
//!    whole, and must hold otherwise (a row that meets it in no placement is not read).
//! 2. **Row rules**: an equation whose cells all lie in one row (R3.2 row totals, R4.1 groups of
//!    table 四), with cells read elsewhere (`known`) as constants, filters that row's splits while
//!    they are enumerated.
//! 3. **Table rules**: rows linked by equations across rows (R3.1, R3.3 per column) form
//!    components; each is searched by backtracking with interval bounds on every equation
//!    (`search`). For every split, the search decides whether it takes part in some
//!    assignment of the whole component that meets every rule.
//! 4. **Least violation**: when no assignment meets every rule (a table inconsistent in print),
//!    the search is repeated allowing 1, 2, … violated equations, up to
//!    [`Budget::max_violations`]. A single assignment at the lowest level is taken and what it
//!    violates is listed; several are reported as ambiguous.
//! 5. **Facts**: numbers stated in the prose narrow the surviving assignments when they are
//!    consistent with at least one of them; otherwise they are ignored with a warning.
//!
//! In 3 and 4, a component with rows printed without their blank cells whose values' places
//! under the column headers are known ([`RunRow::windows`]) is searched at each level first
//! with each value kept within its window (the other rows as they are). When some assignment
//! is found so, those are the assignments that survive; otherwise the component is searched
//! at that level without the windows, with a warning when that finds some. Windows thus never
//! raise the number of rules broken.
//!
//! A cell is a [`Resolved::Value`] only when it has the same text in every surviving assignment
//! (and in every one not ruled out when a budget ran out); otherwise it is
//! [`Resolved::Ambiguous`] with the values it takes. Values are never chosen by magnitude.

mod search;
mod split;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use nianbao_schema::checks::Equation;
use nianbao_schema::{Number, ValueKind};

use search::{Nodes, Problem, SearchRow, Support};
use split::{LocalEq, Prepared, Split, Unsplittable, SCALE};

/// One printed row whose value cells ran together, or whose blank cells were left out.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRow {
    /// The canonical key and value kind of every cell, left to right.
    pub columns: Vec<(String, ValueKind)>,
    /// The cells as printed: digits, spaces, `-`, `.`, a unit such as 元 or 万元.
    pub run: String,
    /// How the run's cells are delimited.
    pub form: RunForm,
    /// For a row printed without its blank cells: the columns (first, last) each value may
    /// stand in by where it is printed (see `crate::columns`); empty when not known.
    pub windows: Vec<(usize, usize)>,
}

/// How the cells of a [`RunRow`] are delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunForm {
    /// Digits that ran together: a surviving space is a boundary, the others were lost.
    RanTogether,
    /// A row printed without its blank cells: each space-separated value is one cell, in
    /// order, and the columns left without one are blank.
    Gapped {
        /// Whether its total may be one of the blanks (the row is known to be whole, as a line
        /// of a table laid out in text is): then its row total (R3.2) applies only where it is
        /// printed. Otherwise the row total must hold, and a row whose values meet it in no
        /// placement is not read.
        blank_total: bool,
    },
}

impl RunRow {
    /// The run printed for a template row.
    pub fn new(spec: &nianbao_schema::RowSpec, run: impl Into<String>) -> RunRow {
        RunRow {
            columns: spec
                .columns
                .iter()
                .map(|k| (k.key.clone(), k.kind))
                .collect(),
            run: run.into(),
            form: RunForm::RanTogether,
            windows: Vec::new(),
        }
    }

    /// The values printed for a template row whose blank cells were left out, in order
    /// (see [`RunForm::Gapped`] for `blank_total`).
    pub fn gapped<'v>(
        spec: &nianbao_schema::RowSpec,
        values: impl IntoIterator<Item = &'v str>,
        blank_total: bool,
    ) -> RunRow {
        let values: Vec<&str> = values.into_iter().collect();
        RunRow {
            form: RunForm::Gapped { blank_total },
            ..RunRow::new(spec, values.join(" "))
        }
    }
}

/// A number stated elsewhere in the report, e.g. 本年度共收到70件申请; soft evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    /// The canonical key the number is about.
    pub key: String,
    /// The number.
    pub value: f64,
    /// Where it was read, for warnings.
    pub source: String,
}

/// Limits that keep [`solve`] bounded on any input.
#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    /// The most splits kept for one row; a row with more is left ambiguous.
    pub max_candidates_per_row: usize,
    /// The most search nodes over the whole table; past it, unproven cells are ambiguous.
    pub max_nodes: u64,
    /// The most steps spent enumerating the splits of one row.
    pub max_split_steps: u64,
    /// The most violated equations an assignment of an inconsistent table may have.
    pub max_violations: usize,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            max_candidates_per_row: 2048,
            max_nodes: 200_000,
            max_split_steps: 20_000,
            max_violations: 3,
        }
    }
}

/// The reading of one cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    /// One value fits.
    Value {
        /// The value (amounts are not converted between units).
        value: Number,
        /// The cell's text: the digits, with the unit if one was printed; `-` for a dash.
        raw: String,
    },
    /// Several values fit, or none could be established.
    Ambiguous {
        /// The values that fit, sorted and deduplicated; empty when the row was not split.
        candidates: Vec<Number>,
    },
}

/// How the cells were decided. The first five counts partition the cells.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Cells at the same place in every split of their run (no rule needed).
    pub by_split: usize,
    /// Cells decided by the rules within their own row (R3.2 row totals, R4.1 groups).
    pub by_row: usize,
    /// Cells that needed rules across rows (R3.1, R3.3).
    pub by_table: usize,
    /// Cells that needed numbers from the prose.
    pub by_facts: usize,
    /// Cells left ambiguous.
    pub ambiguous: usize,
    /// Split-enumeration steps plus search nodes.
    pub nodes: u64,
}

/// The reading of a whole table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Solution {
    /// Every key of every row.
    pub cells: BTreeMap<String, Resolved>,
    /// The rules (`"R4.1 admin_review"`) broken by the reading taken for a table inconsistent in
    /// print; empty when every rule holds.
    pub violated: Vec<String>,
    /// How the cells were decided.
    pub stats: Stats,
    /// What a person should know: ambiguous rows with their readings, caps hit, facts ignored.
    pub warnings: Vec<String>,
}

/// Every way to split `run` into exactly one cell per column, at most `limit` of them (and at
/// most [`Budget::default`]'s split steps). Each cell is its value and its printed text. Empty
/// when the run cannot be split, holds a character no cell may contain, or would need a cell of
/// more than 18 integer digits.
#[cfg(test)]
pub fn split_candidates(
    run: &str,
    columns: &[ValueKind],
    limit: usize,
) -> Vec<Vec<(Number, String)>> {
    let Ok(prep) = Prepared::new(run, columns, false) else {
        return Vec::new();
    };
    let steps = Budget::default().max_split_steps;
    prep.enumerate(&[], false, limit, steps)
        .splits
        .into_iter()
        .map(|s| s.pieces.into_iter().map(|p| (p.number, p.raw)).collect())
        .collect()
}

/// Reads the cells of `rows` using the `equations` (Σlhs = Σrhs), the cells already read
/// (`known`) and the numbers stated in the prose (`facts`), within `budget`. Equations naming a
/// key that is neither in a row nor known are ignored.
pub fn solve(
    rows: &[RunRow],
    known: &HashMap<String, f64>,
    equations: &[Equation],
    facts: &[Fact],
    budget: &Budget,
) -> Solution {
    let mut solver = Solver::new(rows, known, equations, budget);
    solver.read_rows();
    let groups = solver.components();
    let mut nodes = Nodes {
        used: 0,
        max: budget.max_nodes,
    };
    for group in groups {
        solver.solve_component(&group, facts, &mut nodes);
    }
    solver.finish(nodes.used)
}

/// An equation with its keys resolved to (row, column) terms.
struct Compiled {
    name: String,
    terms: Vec<(usize, usize, i128)>,
    constant: i128,
    rows: Vec<usize>,
    /// For a row total (R3.2): the total's place; the rule applies only where it is printed.
    unless_blank: Option<(usize, usize)>,
}

/// What is known about one row.
#[derive(Default)]
struct RowState {
    /// The run, ready to be split again.
    prep: Option<Prepared>,
    /// The rules within the row.
    local: Vec<LocalEq>,
    /// Per column: whether every split of the run has the same cell there.
    unique: Vec<bool>,
    /// The splits considered (every split when `all`, else only those meeting the row rules).
    splits: Vec<Split>,
    all: bool,
    /// Why the row could not be split, when it could not.
    opaque: Option<String>,
    /// The splits still possible: before facts, and in the end.
    before_facts: Vec<usize>,
    possible: Vec<usize>,
}

struct Solver<'a> {
    rows: &'a [RunRow],
    budget: &'a Budget,
    at: HashMap<&'a str, (usize, usize)>,
    eqs: Vec<Compiled>,
    state: Vec<RowState>,
    violated: Vec<String>,
    warnings: Vec<String>,
    steps: u64,
}

fn fixed(value: f64) -> i128 {
    (value * SCALE as f64).round() as i128
}

/// The row path shared by a row's keys, for messages.
fn row_name(row: &RunRow) -> &str {
    row.columns.first().map_or("(no columns)", |(k, _)| {
        k.rsplit_once('.').map_or(k, |(r, _)| r)
    })
}

/// The distinct texts of column `c` over `splits`.
fn texts<'s>(splits: impl Iterator<Item = &'s Split>, c: usize) -> BTreeSet<&'s str> {
    splits.map(|s| s.pieces[c].raw.as_str()).collect()
}

/// A split as `a|b|c`, for warnings.
fn show(split: &Split) -> String {
    let cells: Vec<&str> = split.pieces.iter().map(|p| p.raw.as_str()).collect();
    cells.join("|")
}

impl<'a> Solver<'a> {
    fn new(
        rows: &'a [RunRow],
        known: &HashMap<String, f64>,
        equations: &[Equation],
        budget: &'a Budget,
    ) -> Self {
        let mut warnings = Vec::new();
        let mut at = HashMap::new();
        for (r, row) in rows.iter().enumerate() {
            for (c, (key, _)) in row.columns.iter().enumerate() {
                if at.insert(key.as_str(), (r, c)).is_some() {
                    warnings.push(format!("{key}: in two rows; the later row is used"));
                }
                if known.contains_key(key) {
                    warnings.push(format!("{key}: both known and in a run; the run is used"));
                }
            }
        }
        let mut eqs = Vec::new();
        'eq: for eq in equations {
            let mut compiled = Compiled {
                name: format!("{} {}", eq.rule, eq.scope),
                terms: Vec::new(),
                constant: 0,
                rows: Vec::new(),
                unless_blank: None,
            };
            if eq.rule == "R3.2" {
                compiled.unless_blank = eq
                    .rhs
                    .first()
                    .and_then(|k| at.get(k.as_str()).copied())
                    .filter(|&(r, _)| rows[r].form == RunForm::Gapped { blank_total: true });
            }
            for (keys, sign) in [(&eq.lhs, 1), (&eq.rhs, -1)] {
                for key in keys {
                    if let Some(&(r, c)) = at.get(key.as_str()) {
                        compiled.terms.push((r, c, sign));
                        compiled.rows.push(r);
                    } else if let Some(&v) = known.get(key) {
                        compiled.constant += sign * fixed(v);
                    } else {
                        continue 'eq;
                    }
                }
            }
            compiled.rows.sort_unstable();
            compiled.rows.dedup();
            if !compiled.rows.is_empty() {
                eqs.push(compiled);
            }
        }
        Solver {
            rows,
            budget,
            at,
            eqs,
            state: Vec::new(),
            violated: Vec::new(),
            warnings,
            steps: 0,
        }
    }

    /// Enumerates the splits of every row under its own rules.
    fn read_rows(&mut self) {
        let cap = self.budget.max_candidates_per_row;
        let steps = self.budget.max_split_steps;
        for (r, row) in self.rows.iter().enumerate() {
            let local: Vec<LocalEq> = self
                .eqs
                .iter()
                .enumerate()
                .filter(|(_, eq)| eq.rows == [r])
                .map(|(id, eq)| LocalEq {
                    id,
                    terms: eq.terms.iter().map(|&(_, c, s)| (c, s)).collect(),
                    constant: eq.constant,
                    unless_blank: eq.unless_blank.map(|(_, c)| c),
                })
                .collect();
            let kinds: Vec<ValueKind> = row.columns.iter().map(|(_, k)| *k).collect();
            let mut st = RowState {
                local,
                ..RowState::default()
            };
            let gaps = matches!(row.form, RunForm::Gapped { .. });
            match Prepared::new(&row.run, &kinds, gaps) {
                Err(why) => {
                    st.opaque = Some(match why {
                        Unsplittable::Character(c) => format!("holds {c:?}, which no cell may"),
                        Unsplittable::TooLong(n) => format!("is {n} characters long"),
                        Unsplittable::Overflow => {
                            "could hold a cell of more than 18 digits".to_string()
                        }
                    })
                }
                Ok(prep) if !prep.splittable() => {
                    st.opaque = Some(format!("cannot be split into {} cells", kinds.len()));
                }
                Ok(prep) => {
                    let fitting = prep.enumerate(&st.local, true, cap, steps);
                    self.steps += fitting.steps;
                    st.splits = fitting.splits;
                    st.unique = prep.unique_columns();
                    if !fitting.complete {
                        st.opaque = Some(format!(
                            "has more than {cap} splits meeting its own rules, or needs more \
                             than {steps} steps"
                        ));
                    } else if st.splits.is_empty()
                        && row.form == (RunForm::Gapped { blank_total: false })
                    {
                        st.opaque = Some("meets its row total in no placement".to_string());
                    } else if st.splits.is_empty() && !self.enumerate_all(&mut st, &prep) {
                        st.opaque = Some(format!(
                            "has no split meeting its own rules and more than {cap} in all"
                        ));
                    }
                    st.prep = Some(prep);
                }
            }
            if let Some(why) = &st.opaque {
                st.splits.clear();
                let outcome = match row.form {
                    RunForm::RanTogether => "its cells are left ambiguous",
                    RunForm::Gapped { .. } => "its cells are not read",
                };
                self.warnings.push(format!(
                    "{}: run {:?} {why}; {outcome}",
                    row_name(row),
                    row.run
                ));
            }
            self.state.push(st);
        }
    }

    /// Replaces the splits of a row by all its splits, with the row rules each violates;
    /// `false` when there are too many.
    fn enumerate_all(&mut self, st: &mut RowState, prep: &Prepared) -> bool {
        if !st.all {
            let every = prep.enumerate(
                &st.local,
                false,
                self.budget.max_candidates_per_row,
                self.budget.max_split_steps,
            );
            self.steps += every.steps;
            if !every.complete {
                return false;
            }
            st.splits = every.splits;
            st.all = true;
        }
        true
    }

    /// Lists every split of the rows of `group` for a search that allows violations.
    fn relax(&mut self, group: &[usize]) -> bool {
        group.iter().all(|&r| {
            let mut st = std::mem::take(&mut self.state[r]);
            let ok = match st.prep.take() {
                Some(prep) => {
                    let ok = self.enumerate_all(&mut st, &prep);
                    st.prep = Some(prep);
                    ok
                }
                None => st.all,
            };
            self.state[r] = st;
            ok
        })
    }

    /// Whether equation `e` is used: none of its rows failed to split.
    fn live(&self, e: usize) -> bool {
        self.eqs[e]
            .rows
            .iter()
            .all(|&r| self.state[r].opaque.is_none())
    }

    /// Groups the readable rows linked by live equations across rows.
    fn components(&mut self) -> Vec<Vec<usize>> {
        let n = self.rows.len();
        let mut parent: Vec<usize> = (0..n).collect();
        fn root(parent: &mut [usize], mut x: usize) -> usize {
            while parent[x] != x {
                parent[x] = parent[parent[x]];
                x = parent[x];
            }
            x
        }
        for e in (0..self.eqs.len()).filter(|&e| self.live(e)) {
            for w in self.eqs[e].rows.windows(2) {
                let (a, b) = (root(&mut parent, w[0]), root(&mut parent, w[1]));
                parent[a] = b;
            }
        }
        let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for r in (0..n).filter(|&r| self.state[r].opaque.is_none()) {
            groups.entry(root(&mut parent, r)).or_default().push(r);
        }
        groups.into_values().collect()
    }

    /// The equations across rows of `group`, in the order the search numbers them.
    fn across(&self, group: &[usize]) -> Vec<usize> {
        (0..self.eqs.len())
            .filter(|&e| {
                let rows = &self.eqs[e].rows;
                rows.len() > 1 && group.contains(&rows[0]) && self.live(e)
            })
            .collect()
    }

    /// The search problem of `group` at violation `level`, with the splits narrowed by `keep`
    /// (row, split index).
    fn problem(
        &self,
        group: &[usize],
        level: usize,
        keep: impl Fn(usize, usize) -> bool,
    ) -> Problem {
        let eq_ids = self.across(group);
        let rows = group
            .iter()
            .map(|&r| {
                let st = &self.state[r];
                let mut texts: Vec<HashMap<&str, u32>> =
                    vec![HashMap::new(); self.rows[r].columns.len()];
                let cells = st
                    .splits
                    .iter()
                    .map(|s| {
                        s.pieces
                            .iter()
                            .zip(texts.iter_mut())
                            .map(|(p, t)| {
                                let next = t.len() as u32;
                                *t.entry(p.raw.as_str()).or_insert(next)
                            })
                            .collect()
                    })
                    .collect();
                let eqs = eq_ids
                    .iter()
                    .enumerate()
                    .filter(|(_, &e)| self.eqs[e].rows.contains(&r))
                    .map(|(i, &e)| {
                        let contrib = st
                            .splits
                            .iter()
                            .map(|s| {
                                self.eqs[e]
                                    .terms
                                    .iter()
                                    .filter(|t| t.0 == r)
                                    .map(|&(_, c, sign)| sign * s.pieces[c].fixed)
                                    .sum()
                            })
                            .collect();
                        (i, contrib)
                    })
                    .collect();
                SearchRow {
                    domain: (0..st.splits.len())
                        .filter(|&i| st.splits[i].violated.len() <= level && keep(r, i))
                        .collect(),
                    local: st.splits.iter().map(|s| s.violated.len() as u32).collect(),
                    cells,
                    eqs,
                }
            })
            .collect();
        Problem {
            rows,
            constants: eq_ids.iter().map(|&e| self.eqs[e].constant).collect(),
            level: level as u32,
        }
    }

    /// The splits of each row left possible by a search outcome.
    fn possible(status: &[Vec<Support>]) -> Vec<Vec<usize>> {
        status
            .iter()
            .map(|row| {
                (0..row.len())
                    .filter(|&i| matches!(row[i], Support::Supported | Support::Unknown))
                    .collect()
            })
            .collect()
    }

    /// Whether split `i` of row `r` puts every value in a column of its window (or the row
    /// has no windows).
    fn within_windows(&self, r: usize, i: usize) -> bool {
        let windows = &self.rows[r].windows;
        let mut columns = self.state[r].splits[i]
            .pieces
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.raw.is_empty())
            .map(|(c, _)| c);
        windows.is_empty()
            || windows
                .iter()
                .all(|&(first, last)| columns.next().is_some_and(|c| first <= c && c <= last))
    }

    fn solve_component(&mut self, group: &[usize], facts: &[Fact], nodes: &mut Nodes) {
        let name = row_name(&self.rows[group[0]]).to_string();
        let mut outcome = None;
        let placed = group.iter().any(|&r| !self.rows[r].windows.is_empty());
        for level in 0..=self.budget.max_violations {
            if level > 0 && !self.relax(group) {
                self.warnings.push(format!(
                    "{name}: no reading meets every rule, and a row has too many splits to look \
                     for the least inconsistent one; the cells are read from their own rows"
                ));
                break;
            }
            // The readings with every value in its window, when there are some at this level
            // (no level below has any reading).
            if placed {
                let problem = self.problem(group, level, |r, i| self.within_windows(r, i));
                let sup = search::supports(&problem, nodes);
                if sup.found {
                    outcome = Some((level, problem, sup));
                    break;
                }
            }
            let problem = self.problem(group, level, |_, _| true);
            let sup = search::supports(&problem, nodes);
            if sup.found || !sup.complete {
                if placed {
                    self.warnings.push(format!(
                        "{name}: no reading with the values where they are printed under the \
                         column headers is among the most consistent ones; they are read \
                         without their places"
                    ));
                }
                outcome = Some((level, problem, sup));
                break;
            }
            if level == self.budget.max_violations {
                self.warnings.push(format!(
                    "{name}: every reading breaks more than {level} rules; the cells are read \
                     from their own rows"
                ));
            }
        }
        let Some((level, problem, sup)) = outcome else {
            for &r in group {
                let st = &mut self.state[r];
                let fitting: Vec<usize> = (0..st.splits.len())
                    .filter(|&i| st.splits[i].violated.is_empty())
                    .collect();
                st.possible = if fitting.is_empty() {
                    (0..st.splits.len()).collect()
                } else {
                    fitting
                };
                st.before_facts = st.possible.clone();
            }
            return;
        };
        if !sup.complete {
            self.warnings.push(format!(
                "{name}: the search budget ran out; cells not proven unique are ambiguous"
            ));
        }
        for (&r, possible) in group.iter().zip(Self::possible(&sup.status)) {
            self.state[r].before_facts = possible.clone();
            self.state[r].possible = possible;
        }
        if level > 0 {
            self.report_violations(group, level, &problem);
        }
        self.apply_facts(group, level, facts, nodes);
    }

    /// Lists what the unique least-violation reading breaks, or says it is not unique.
    fn report_violations(&mut self, group: &[usize], level: usize, problem: &Problem) {
        let name = row_name(&self.rows[group[0]]).to_string();
        if group.iter().any(|&r| self.state[r].possible.len() != 1) {
            self.warnings.push(format!(
                "{name}: no reading meets every rule; several break {level}, so the cells they \
                 disagree on are ambiguous"
            ));
            return;
        }
        let mut broken: BTreeSet<usize> = BTreeSet::new();
        let mut sums = problem.constants.clone();
        for (i, &r) in group.iter().enumerate() {
            let s = self.state[r].possible[0];
            broken.extend(&self.state[r].splits[s].violated);
            for (e, contrib) in &problem.rows[i].eqs {
                sums[*e] += contrib[s];
            }
        }
        let across = self.across(group);
        broken.extend(
            across
                .iter()
                .zip(&sums)
                .filter(|(_, &s)| s != 0)
                .map(|(&e, _)| e),
        );
        let names: Vec<String> = broken.iter().map(|&e| self.eqs[e].name.clone()).collect();
        self.warnings.push(format!(
            "{name}: no reading meets every rule; the only one breaking just {level} is taken, \
             and it breaks {}",
            names.join(", ")
        ));
        self.violated.extend(names);
    }

    /// Narrows the readings of `group` by the facts on its keys when they fit some reading.
    fn apply_facts(&mut self, group: &[usize], level: usize, facts: &[Fact], nodes: &mut Nodes) {
        let ours: Vec<(&Fact, usize, usize)> = facts
            .iter()
            .filter_map(|f| {
                let &(r, c) = self.at.get(f.key.as_str())?;
                group.contains(&r).then_some((f, r, c))
            })
            .collect();
        if ours.is_empty() {
            return;
        }
        let fits = |r: usize, split: &Split| {
            ours.iter()
                .all(|&(f, fr, c)| fr != r || split.pieces[c].fixed == fixed(f.value))
        };
        let settled = group.iter().all(|&r| self.state[r].possible.len() == 1);
        let problem = self.problem(group, level, |r, i| {
            self.state[r].possible.contains(&i) && fits(r, &self.state[r].splits[i])
        });
        let sources: Vec<String> = ours
            .iter()
            .map(|(f, _, _)| format!("{} = {} ({})", f.key, f.value, f.source))
            .collect();
        if settled || problem.rows.iter().any(|r| r.domain.is_empty()) {
            if problem.rows.iter().any(|r| r.domain.is_empty()) {
                self.warnings.push(format!(
                    "the prose disagrees with the table and is ignored: {}",
                    sources.join("; ")
                ));
            }
            return;
        }
        let sup = search::supports(&problem, nodes);
        if !sup.found {
            self.warnings.push(format!(
                "{}: {}",
                if sup.complete {
                    "the prose fits no reading of the table and is ignored"
                } else {
                    "the search budget ran out before the prose could be used"
                },
                sources.join("; ")
            ));
            return;
        }
        for (&r, possible) in group.iter().zip(Self::possible(&sup.status)) {
            self.state[r].possible = possible;
        }
    }

    /// Builds the cells, the statistics and the warnings on ambiguous rows.
    fn finish(mut self, search_nodes: u64) -> Solution {
        let mut out = Solution {
            stats: Stats {
                nodes: self.steps + search_nodes,
                ..Stats::default()
            },
            ..Solution::default()
        };
        for (r, row) in self.rows.iter().enumerate() {
            let st = &self.state[r];
            for (c, (key, _)) in row.columns.iter().enumerate() {
                let finals = texts(st.possible.iter().map(|&i| &st.splits[i]), c);
                if finals.len() != 1 {
                    let mut candidates: Vec<Number> = st
                        .possible
                        .iter()
                        .map(|&i| st.splits[i].pieces[c].number)
                        .collect();
                    candidates.sort_by(|a, b| a.as_f64().total_cmp(&b.as_f64()));
                    candidates.dedup();
                    out.stats.ambiguous += 1;
                    out.cells
                        .insert(key.clone(), Resolved::Ambiguous { candidates });
                    continue;
                }
                let piece = &st.splits[st.possible[0]].pieces[c];
                let fitting = texts(st.splits.iter().filter(|s| s.violated.is_empty()), c);
                if st.unique[c] {
                    out.stats.by_split += 1;
                } else if fitting == finals {
                    out.stats.by_row += 1;
                } else if texts(st.before_facts.iter().map(|&i| &st.splits[i]), c) == finals {
                    out.stats.by_table += 1;
                } else {
                    out.stats.by_facts += 1;
                }
                out.cells.insert(
                    key.clone(),
                    Resolved::Value {
                        value: piece.number,
                        raw: piece.raw.clone(),
                    },
                );
            }
            if st.possible.len() > 1 {
                let shown: Vec<String> = st
                    .possible
                    .iter()
                    .take(4)
                    .map(|&i| show(&st.splits[i]))
                    .collect();
                let more = st.possible.len().saturating_sub(4);
                self.warnings.push(format!(
                    "{}: run {:?} has {} readings: {}{}",
                    row_name(row),
                    row.run,
                    st.possible.len(),
                    shown.join(" ; "),
                    if more > 0 {
                        format!(" ; … {more} more")
                    } else {
                        String::new()
                    }
                ));
            }
        }
        out.violated = self.violated;
        out.warnings = self.warnings;
        out
    }
}

#[cfg(test)]
mod tests;
