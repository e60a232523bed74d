//! Splitting one printed run into exactly one cell per column.
//!
//! A run is tokenised into segments at whitespace (a surviving space is always a cell boundary).
//! For every start position and every value kind that occurs in the row, a small automaton lists
//! the ends at which the text is a well-formed cell of that kind (no leading zeros, a sign only
//! in signed columns, decimals and a 元/万元 unit only in amount columns, a lone `-` as a dash).
//! A feasibility table says whether a prefix of the run can be split into the leftmost columns,
//! so the depth-first walk, which assigns columns from the right, never enters a dead end except
//! through a row-local equation. An equation is checked as soon as its leftmost column is
//! assigned; when only the leftmost columns are left and they are exactly the (same-signed, count)
//! terms of an equation, as in a row total, their sum is bounded by the characters left: `P`
//! characters in `k` cells without leading zeros sum to at least the value of the most even
//! spread (a cell of `l ≥ 2` digits is at least 10^(l−1)) and to less than `k`·10^(P−k+1). The
//! walk is capped both in splits kept and in steps taken.
//!
//! A row printed with its blank cells left out (`18 18` for seven columns) is read with
//! **gaps**: every segment is exactly one cell, and a column may take an empty cell (a blank)
//! at any segment boundary, so the splits are the ways to place the segments, in order, in
//! the columns. A row total (R3.2) applies only where the total is printed, as the checks do.

use nianbao_schema::{Number, ValueKind};

/// Fixed-point scale of [`Piece::fixed`]: values are compared exactly in units of 10⁻⁹.
pub(crate) const SCALE: i128 = 1_000_000_000;
/// The most integer digits a cell may have (it must fit an `i64`).
const MAX_DIGITS: usize = 18;
/// Fraction digits kept for the exact comparison of amounts (further digits are truncated).
const FRACTION_DIGITS: u32 = 9;
/// Runs longer than this (in characters) are not split at all.
pub(crate) const MAX_RUN_CHARS: usize = 400;

/// One cell of a split: its value, its exact fixed-point value and its printed text (empty for
/// a blank cell).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Piece {
    /// The value as the schema stores it.
    pub number: Number,
    /// The value in units of 10⁻⁹, for exact sums.
    pub fixed: i128,
    /// The cell's text, with its unit if one was printed.
    pub raw: String,
}

/// One way to split a run, with the row-local equations it violates.
#[derive(Debug, Clone)]
pub(crate) struct Split {
    /// One piece per column.
    pub pieces: Vec<Piece>,
    /// Ids of the row-local equations this split violates.
    pub violated: Vec<usize>,
}

/// A row-local equation: `constant + Σ sign·cell[col] == 0`.
#[derive(Debug, Clone)]
pub(crate) struct LocalEq {
    /// The caller's id for the equation.
    pub id: usize,
    /// The column and the sign (+1 or −1) of each term.
    pub terms: Vec<(usize, i128)>,
    /// The sum of the terms read elsewhere, with their signs.
    pub constant: i128,
    /// A column whose blank cell makes the equation not apply (a row total left to derive).
    pub unless_blank: Option<usize>,
}

/// The outcome of one enumeration.
#[derive(Debug, Default)]
pub(crate) struct Enumerated {
    /// The splits found (at most the limit).
    pub splits: Vec<Split>,
    /// Whether `splits` holds every split allowed (no cap was hit).
    pub complete: bool,
    /// Steps taken.
    pub steps: u64,
}

/// Why a run cannot be split at all.
#[derive(Debug, PartialEq)]
pub(crate) enum Unsplittable {
    /// A character that no cell may contain.
    Character(char),
    /// More than [`MAX_RUN_CHARS`] characters.
    TooLong(usize),
    /// A split would need a cell of more than 18 integer digits, so the list would be partial.
    Overflow,
}

/// A cell accepted by the automaton: where it starts and its value.
#[derive(Debug, Clone, Copy)]
struct Cut {
    start: usize,
    fixed: i128,
    /// The cell is a lone dash.
    dash: bool,
    /// The cell is empty (a blank, in a row read with gaps).
    blank: bool,
}

/// A run prepared for splitting into given columns.
pub(crate) struct Prepared {
    chars: Vec<char>,
    kinds: Vec<ValueKind>,
    /// For each kind slot (0 Count, 1 SignedCount, 2 Amount) and end: the cells ending there.
    cells: [Vec<Vec<Cut>>; 3],
    /// `feasible[pos][col]`: the text before `pos` can be split into columns `..col`.
    feasible: Vec<Vec<bool>>,
    /// `rest[pos][col]`: the text from `pos` on can be split into columns `col..`.
    rest: Vec<Vec<bool>>,
    /// Segments are whole cells and columns may be blank.
    gaps: bool,
}

fn slot(kind: ValueKind) -> usize {
    match kind {
        ValueKind::Count => 0,
        ValueKind::SignedCount => 1,
        ValueKind::Amount => 2,
    }
}

/// Maps full-width digits and signs to ASCII; other characters are kept.
fn narrow(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        '．' => '.',
        '－' | '−' => '-',
        _ => c,
    }
}

/// Splits the run into segments at whitespace; a segment that is only a unit joins the one before.
fn segments(run: &str) -> Result<Vec<Vec<char>>, Unsplittable> {
    let mut segs: Vec<Vec<char>> = Vec::new();
    for word in run.split_whitespace() {
        let seg: Vec<char> = word.chars().map(narrow).collect();
        if let Some(&bad) = seg
            .iter()
            .find(|c| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '元' | '万')))
        {
            return Err(Unsplittable::Character(bad));
        }
        let unit_only = seg == ['元'] || seg == ['万', '元'];
        match segs.last_mut() {
            Some(prev) if unit_only => prev.extend(seg),
            _ => segs.push(seg),
        }
    }
    Ok(segs)
}

/// The automaton state while scanning a cell from its start.
#[derive(Clone, Copy, PartialEq)]
enum State {
    Start,
    Minus,
    Zero,
    Int,
    Dot,
    Frac,
    Wan,
    Unit,
}

/// Scans cells of `kind` starting at `start` up to `stop` (exclusive); calls `accept` for each
/// end at which the text is a cell, with its fixed-point value (`None` when it has more than
/// [`MAX_DIGITS`] integer digits) and whether it is a dash.
fn scan(
    chars: &[char],
    start: usize,
    stop: usize,
    kind: ValueKind,
    mut accept: impl FnMut(usize, Option<i128>, bool),
) {
    let mut state = State::Start;
    let (mut negative, mut int, mut frac_digits, mut frac, mut digits) =
        (false, 0i128, 0u32, 0i128, 0usize);
    for (i, &c) in chars.iter().enumerate().take(stop).skip(start) {
        let amount = kind == ValueKind::Amount;
        state = match (state, c) {
            (State::Start, '-') => State::Minus,
            (State::Start, '0') => State::Zero,
            (State::Start, '1'..='9') | (State::Int, '0'..='9') => State::Int,
            (State::Minus, '1'..='9') if kind == ValueKind::SignedCount => State::Int,
            (State::Zero | State::Int, '.') if amount => State::Dot,
            (State::Dot | State::Frac, '0'..='9') => State::Frac,
            (State::Zero | State::Int | State::Frac, '万') if amount => State::Wan,
            (State::Zero | State::Int | State::Frac | State::Wan, '元') if amount => State::Unit,
            _ => return,
        };
        let digit = || i128::from(c.to_digit(10).unwrap_or(0));
        match state {
            State::Minus => negative = true,
            State::Int | State::Zero => {
                digits += 1;
                if digits <= MAX_DIGITS {
                    int = int * 10 + digit();
                }
            }
            State::Frac if frac_digits < FRACTION_DIGITS => {
                frac = frac * 10 + digit();
                frac_digits += 1;
            }
            _ => {}
        }
        let value = || {
            (digits <= MAX_DIGITS).then(|| {
                let fixed = int * SCALE + frac * 10i128.pow(FRACTION_DIGITS - frac_digits);
                if negative {
                    -fixed
                } else {
                    fixed
                }
            })
        };
        match state {
            State::Minus => accept(i + 1, Some(0), true),
            State::Zero | State::Int | State::Frac | State::Unit => accept(i + 1, value(), false),
            _ => {}
        }
        if state == State::Unit {
            return;
        }
    }
}

impl Prepared {
    /// Prepares `run` for `kinds`, read with gaps when `gaps` is set; fails when no complete
    /// list of splits can be given.
    pub(crate) fn new(
        run: &str,
        kinds: &[ValueKind],
        gaps: bool,
    ) -> Result<Prepared, Unsplittable> {
        let segs = segments(run)?;
        let total: usize = segs.iter().map(Vec::len).sum();
        if total > MAX_RUN_CHARS {
            return Err(Unsplittable::TooLong(total));
        }
        let mut chars = Vec::with_capacity(total);
        let mut stops = Vec::with_capacity(total);
        for seg in &segs {
            let stop = chars.len() + seg.len();
            chars.extend_from_slice(seg);
            stops.resize(stop, stop);
        }
        let n = chars.len();
        let mut cells: [Vec<Vec<Cut>>; 3] = Default::default();
        // Cells of more than 18 digits, by end: their starts.
        let mut long: [Vec<Vec<usize>>; 3] = Default::default();
        for &kind in kinds {
            let s = slot(kind);
            if !cells[s].is_empty() {
                continue;
            }
            cells[s] = vec![Vec::new(); n + 1];
            long[s] = vec![Vec::new(); n + 1];
            for (start, &stop) in stops.iter().enumerate() {
                // With gaps, a cell is a whole segment.
                if gaps && start > 0 && stops[start - 1] != start {
                    continue;
                }
                scan(&chars, start, stop, kind, |end, fixed, dash| {
                    if gaps && end != stop {
                        return;
                    }
                    match fixed {
                        Some(fixed) => cells[s][end].push(Cut {
                            start,
                            fixed,
                            dash,
                            blank: false,
                        }),
                        None => long[s][end].push(start),
                    };
                });
            }
            if gaps {
                // A blank at every segment boundary.
                let boundaries = std::iter::once(0).chain(stops.iter().copied());
                let mut last = None;
                for at in boundaries {
                    if last != Some(at) {
                        cells[s][at].push(Cut {
                            start: at,
                            fixed: 0,
                            dash: false,
                            blank: true,
                        });
                        last = Some(at);
                    }
                }
            }
        }
        let cols = kinds.len();
        // feasible: only representable cells; any: long cells allowed; with_long: some long cell.
        let mut feasible = vec![vec![false; cols + 1]; n + 1];
        let mut any = vec![vec![false; cols + 1]; n + 1];
        let mut with_long = vec![vec![false; cols + 1]; n + 1];
        feasible[0][0] = true;
        any[0][0] = true;
        // Position 0 holds only blanks (cells of gaps), which keep their start.
        for pos in 0..=n {
            for col in 1..=cols {
                let s = slot(kinds[col - 1]);
                for c in &cells[s][pos] {
                    feasible[pos][col] |= feasible[c.start][col - 1];
                    any[pos][col] |= any[c.start][col - 1];
                    with_long[pos][col] |= with_long[c.start][col - 1];
                }
                for &start in &long[s][pos] {
                    any[pos][col] |= any[start][col - 1];
                    with_long[pos][col] |= any[start][col - 1];
                }
            }
        }
        if with_long[n][cols] {
            return Err(Unsplittable::Overflow);
        }
        let mut rest = vec![vec![false; cols + 1]; n + 1];
        rest[n][cols] = true;
        for end in (0..=n).rev() {
            for col in (1..=cols).rev() {
                if rest[end][col] {
                    for c in &cells[slot(kinds[col - 1])][end] {
                        rest[c.start][col - 1] = true;
                    }
                }
            }
        }
        Ok(Prepared {
            chars,
            kinds: kinds.to_vec(),
            cells,
            feasible,
            rest,
            gaps,
        })
    }

    /// Whether the run has at least one split.
    pub(crate) fn splittable(&self) -> bool {
        let n = self.chars.len();
        n > 0 && self.feasible[n][self.kinds.len()]
    }

    /// Per column: whether the cell is the same text in every split.
    pub(crate) fn unique_columns(&self) -> Vec<bool> {
        let n = self.chars.len();
        (0..self.kinds.len())
            .map(|col| {
                let cells = &self.cells[slot(self.kinds[col])];
                let mut places = (0..=n).flat_map(|end| {
                    cells[end]
                        .iter()
                        .filter(move |c| self.feasible[c.start][col] && self.rest[end][col + 1])
                        .map(move |c| (c.start, end))
                });
                places.next().is_some() && places.next().is_none()
            })
            .collect()
    }

    /// Lists the splits with the equations of `eqs` they violate: all of them, or with `strict`
    /// only those violating none. Keeps at most `limit` and takes at most `max_steps` steps.
    pub(crate) fn enumerate(
        &self,
        eqs: &[LocalEq],
        strict: bool,
        limit: usize,
        max_steps: u64,
    ) -> Enumerated {
        let cols = self.kinds.len();
        let first = |eq: &LocalEq| eq.terms.iter().map(|t| t.0).min().unwrap_or(0);
        // The equations to check when column `c` is assigned, and those bounded after it.
        let checks: Vec<Vec<&LocalEq>> = (0..cols)
            .map(|c| eqs.iter().filter(|eq| first(eq) == c).collect())
            .collect();
        let blocks: Vec<Vec<(&LocalEq, i128)>> = (0..=cols)
            .map(|c| {
                // The bound assumes every cell takes a character: not so with gaps.
                eqs.iter()
                    .filter_map(|eq| {
                        (strict && !self.gaps)
                            .then(|| block(eq, c, &self.kinds))
                            .flatten()
                    })
                    .collect()
            })
            .collect();
        let mut walk = Walk {
            prep: self,
            checks,
            blocks,
            strict,
            limit,
            max_steps,
            cut: Vec::new(),
            violated: Vec::new(),
            out: Enumerated {
                complete: true,
                ..Enumerated::default()
            },
        };
        if self.splittable() {
            walk.go(self.chars.len());
        }
        walk.out
    }
}

/// Whether the terms of `eq` left of column `c` are exactly the columns `..c`, all counts with
/// one sign: then the sum of those columns is bounded by the characters left. Gives that sign.
fn block<'e>(eq: &'e LocalEq, c: usize, kinds: &[ValueKind]) -> Option<(&'e LocalEq, i128)> {
    let left: Vec<(usize, i128)> = eq.terms.iter().copied().filter(|t| t.0 < c).collect();
    let sign = left.first()?.1;
    let mut columns: Vec<usize> = left.iter().map(|t| t.0).collect();
    columns.sort_unstable();
    let exact = columns.iter().copied().eq(0..c);
    let same =
        left.iter().all(|t| t.1 == sign) && kinds[..c].iter().all(|&k| k == ValueKind::Count);
    (exact && same).then_some((eq, sign))
}

/// 10^e in fixed point, or `None` past 18 digits.
fn pow10(e: usize) -> Option<i128> {
    (e <= MAX_DIGITS).then(|| 10i128.pow(e as u32) * SCALE)
}

/// The least and greatest sums of `k` counts (`k` ≥ 1) printed in exactly `chars` characters.
fn sum_range(chars: usize, k: usize) -> (i128, i128) {
    if chars < k {
        return (i128::MAX, i128::MIN);
    }
    let least = |len: usize| if len == 1 { Some(0) } else { pow10(len - 1) };
    let (q, r) = (chars / k, chars % k);
    let lo = match (least(q), least(q + 1)) {
        (Some(a), Some(b)) => (k - r) as i128 * a + r as i128 * b,
        _ => i128::MAX,
    };
    let widest = (chars + 1 - k).min(MAX_DIGITS);
    let hi = k as i128 * (10i128.pow(widest as u32) - 1) * SCALE;
    (lo, hi)
}

/// The depth-first walk of [`Prepared::enumerate`], from the right.
struct Walk<'a> {
    prep: &'a Prepared,
    checks: Vec<Vec<&'a LocalEq>>,
    blocks: Vec<Vec<(&'a LocalEq, i128)>>,
    strict: bool,
    limit: usize,
    max_steps: u64,
    /// The cells assigned so far, rightmost first, with their ends.
    cut: Vec<(Cut, usize)>,
    violated: Vec<usize>,
    out: Enumerated,
}

impl Walk<'_> {
    /// The value of column `c`, which must be assigned.
    fn value(&self, c: usize) -> i128 {
        self.cut[self.prep.kinds.len() - 1 - c].0.fixed
    }

    /// The constant plus the assigned terms of `eq`.
    fn assigned(&self, eq: &LocalEq, from: usize) -> i128 {
        let terms = eq.terms.iter().filter(|t| t.0 >= from);
        eq.constant + terms.map(|&(c, sign)| sign * self.value(c)).sum::<i128>()
    }

    /// Whether `eq` does not apply: its total is a blank of this split.
    fn void(&self, eq: &LocalEq) -> bool {
        eq.unless_blank
            .is_some_and(|c| self.cut[self.prep.kinds.len() - 1 - c].0.blank)
    }

    /// Whether every block equation on the columns left of `c`, which must fill the first
    /// `chars` characters, can still hold.
    fn bounded(&self, c: usize, chars: usize) -> bool {
        if c == 0 || self.blocks[c].is_empty() {
            return true;
        }
        let (lo, hi) = sum_range(chars, c);
        self.blocks[c].iter().all(|&(eq, sign)| {
            let target = -sign * self.assigned(eq, c);
            lo <= target && target <= hi
        })
    }

    fn go(&mut self, pos: usize) {
        let col = self.prep.kinds.len() - self.cut.len();
        if col == 0 {
            if self.out.splits.len() == self.limit {
                self.out.complete = false;
                return;
            }
            let split = self.emit();
            self.out.splits.push(split);
            return;
        }
        let c = col - 1;
        let prep = self.prep;
        for cell in &prep.cells[slot(prep.kinds[c])][pos] {
            if !self.out.complete {
                return;
            }
            if !prep.feasible[cell.start][c] {
                continue;
            }
            self.out.steps += 1;
            if self.out.steps > self.max_steps {
                self.out.complete = false;
                return;
            }
            self.cut.push((*cell, pos));
            let before = self.violated.len();
            for i in 0..self.checks[c].len() {
                let eq = self.checks[c][i];
                if self.assigned(eq, 0) != 0 && !self.void(eq) {
                    self.violated.push(eq.id);
                }
            }
            let fits = !self.strict || self.violated.is_empty() && self.bounded(c, cell.start);
            if fits {
                self.go(cell.start);
            }
            self.violated.truncate(before);
            self.cut.pop();
        }
    }

    fn emit(&self) -> Split {
        let pieces = self
            .cut
            .iter()
            .rev()
            .zip(&self.prep.kinds)
            .map(|(&(cell, end), &kind)| {
                let raw: String = self.prep.chars[cell.start..end].iter().collect();
                let number = match kind {
                    ValueKind::Amount if cell.dash || cell.blank => Number::Decimal(0.0),
                    ValueKind::Amount => {
                        let digits = raw.trim_end_matches(['万', '元']);
                        Number::Decimal(digits.parse().unwrap_or(f64::NAN))
                    }
                    _ => Number::Int((cell.fixed / SCALE) as i64),
                };
                Piece {
                    number,
                    fixed: cell.fixed,
                    raw,
                }
            })
            .collect();
        Split {
            pieces,
            violated: self.violated.clone(),
        }
    }
}
