//! Backtracking over the rows of one component of the table: each row picks one of its splits,
//! and every equation across rows is kept feasible by interval bounds (the assigned sum plus the
//! least and greatest contribution of each unassigned row must still bracket zero). An equation
//! whose bracket excludes zero counts as violated; a branch is cut once the violations, plus the
//! row-local violations of the chosen splits, exceed the level being searched.
//!
//! [`supports`] finds which splits take part in at least one solution: one search for any
//! solution, then one search per split that could still add a new value to some cell.

/// One row of a component as the search sees it.
#[derive(Debug)]
pub(crate) struct SearchRow {
    /// The indices of the splits allowed.
    pub domain: Vec<usize>,
    /// For every split: how many row-local equations it violates.
    pub local: Vec<u32>,
    /// For every split: an id per column for the cell's text (equal ids, equal text).
    pub cells: Vec<Vec<u32>>,
    /// The equations touching the row: (equation index, contribution of every split).
    pub eqs: Vec<(usize, Vec<i128>)>,
}

/// The rows and equations of one component, searched at one violation level.
#[derive(Debug)]
pub(crate) struct Problem {
    /// The rows.
    pub rows: Vec<SearchRow>,
    /// Per equation: the constant part (cells read elsewhere).
    pub constants: Vec<i128>,
    /// The most violations (row-local plus across rows) a solution may have.
    pub level: u32,
}

/// What is known about one split after [`supports`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Support {
    /// Not in the domain.
    Excluded,
    /// Part of a solution.
    Supported,
    /// Proven to be part of no solution.
    Refuted,
    /// Not proven either way (the node budget ran out).
    Unknown,
    /// Not searched: every cell of it already has its text in a supported split.
    Covered,
}

/// The outcome of [`supports`].
#[derive(Debug)]
pub(crate) struct Supports {
    /// Per row, per split.
    pub status: Vec<Vec<Support>>,
    /// Whether a solution was found.
    pub found: bool,
    /// Whether every search finished within the budget.
    pub complete: bool,
}

/// The node counter shared by every search of one `solve` call.
pub(crate) struct Nodes {
    /// Nodes visited so far.
    pub used: u64,
    /// The cap.
    pub max: u64,
}

enum Outcome {
    Found(Vec<usize>),
    Exhausted,
    Budget,
}

/// Which splits of every row belong to some solution of `p`.
pub(crate) fn supports(p: &Problem, nodes: &mut Nodes) -> Supports {
    let mut status: Vec<Vec<Support>> = p
        .rows
        .iter()
        .map(|r| {
            let mut s = vec![Support::Excluded; r.local.len()];
            for &i in &r.domain {
                s[i] = Support::Unknown;
            }
            s
        })
        .collect();
    let mut seen: Vec<Vec<Vec<u32>>> = p
        .rows
        .iter()
        .map(|r| vec![Vec::new(); r.cells.first().map_or(0, Vec::len)])
        .collect();
    let mark = |sol: &[usize], status: &mut Vec<Vec<Support>>, seen: &mut Vec<Vec<Vec<u32>>>| {
        for (r, &s) in sol.iter().enumerate() {
            status[r][s] = Support::Supported;
            for (col, &id) in p.rows[r].cells[s].iter().enumerate() {
                if !seen[r][col].contains(&id) {
                    seen[r][col].push(id);
                }
            }
        }
    };
    match search(p, None, nodes) {
        Outcome::Found(sol) => mark(&sol, &mut status, &mut seen),
        Outcome::Exhausted => {
            for s in status.iter_mut().flatten() {
                if *s == Support::Unknown {
                    *s = Support::Refuted;
                }
            }
            return Supports {
                status,
                found: false,
                complete: true,
            };
        }
        Outcome::Budget => {
            return Supports {
                status,
                found: false,
                complete: false,
            }
        }
    }
    let mut complete = true;
    for r in 0..p.rows.len() {
        for &s in &p.rows[r].domain {
            if status[r][s] != Support::Unknown {
                continue;
            }
            let cells = &p.rows[r].cells[s];
            if cells
                .iter()
                .enumerate()
                .all(|(c, id)| seen[r][c].contains(id))
            {
                status[r][s] = Support::Covered;
                continue;
            }
            if !complete {
                continue;
            }
            match search(p, Some((r, s)), nodes) {
                Outcome::Found(sol) => mark(&sol, &mut status, &mut seen),
                Outcome::Exhausted => status[r][s] = Support::Refuted,
                Outcome::Budget => complete = false,
            }
        }
    }
    Supports {
        status,
        found: true,
        complete,
    }
}

/// One depth-first search for a solution, with row `forced.0` fixed to split `forced.1`.
fn search(p: &Problem, forced: Option<(usize, usize)>, nodes: &mut Nodes) -> Outcome {
    let domains: Vec<&[usize]> = p
        .rows
        .iter()
        .enumerate()
        .map(|(r, row)| match forced {
            Some((fr, ref s)) if fr == r => std::slice::from_ref(s),
            _ => row.domain.as_slice(),
        })
        .collect();
    let mut order: Vec<usize> = (0..p.rows.len()).collect();
    order.sort_by_key(|&r| domains[r].len());
    // Per row and touched equation: the least and greatest contribution over the domain.
    let bounds: Vec<Vec<(i128, i128)>> = p
        .rows
        .iter()
        .enumerate()
        .map(|(r, row)| {
            row.eqs
                .iter()
                .map(|(_, contrib)| {
                    let vals = domains[r].iter().map(|&s| contrib[s]);
                    (vals.clone().min().unwrap_or(0), vals.max().unwrap_or(0))
                })
                .collect()
        })
        .collect();
    let n = p.constants.len();
    let mut dfs = Dfs {
        p,
        domains,
        bounds,
        order,
        sum: p.constants.clone(),
        lo: vec![0; n],
        hi: vec![0; n],
        bad: vec![false; n],
        violations: 0,
        choice: vec![0; p.rows.len()],
        nodes,
    };
    for (r, row) in p.rows.iter().enumerate() {
        for (i, &(e, _)) in row.eqs.iter().enumerate() {
            dfs.lo[e] += dfs.bounds[r][i].0;
            dfs.hi[e] += dfs.bounds[r][i].1;
        }
    }
    for e in 0..n {
        dfs.refresh(e);
    }
    dfs.go(0)
}

struct Dfs<'p, 'n> {
    p: &'p Problem,
    domains: Vec<&'p [usize]>,
    bounds: Vec<Vec<(i128, i128)>>,
    order: Vec<usize>,
    /// Per equation: the constant plus the contributions of the assigned rows.
    sum: Vec<i128>,
    /// Per equation: the least and greatest total contribution of the unassigned rows.
    lo: Vec<i128>,
    hi: Vec<i128>,
    /// Per equation: whether it can no longer hold.
    bad: Vec<bool>,
    /// Violated equations plus the row-local violations of the chosen splits.
    violations: u32,
    choice: Vec<usize>,
    nodes: &'n mut Nodes,
}

impl Dfs<'_, '_> {
    fn refresh(&mut self, e: usize) {
        let now = self.sum[e] + self.lo[e] > 0 || self.sum[e] + self.hi[e] < 0;
        if now != self.bad[e] {
            self.bad[e] = now;
            if now {
                self.violations += 1;
            } else {
                self.violations -= 1;
            }
        }
    }

    /// Assigns (`dir` = 1) or unassigns (`dir` = −1) split `s` to row `r`.
    fn apply(&mut self, r: usize, s: usize, dir: i128) {
        let p = self.p;
        for (i, (e, contrib)) in p.rows[r].eqs.iter().enumerate() {
            let (lo, hi) = self.bounds[r][i];
            self.sum[*e] += dir * contrib[s];
            self.lo[*e] -= dir * lo;
            self.hi[*e] -= dir * hi;
            self.refresh(*e);
        }
        let local = p.rows[r].local[s];
        if dir > 0 {
            self.violations += local;
        } else {
            self.violations -= local;
        }
    }

    fn go(&mut self, depth: usize) -> Outcome {
        if depth == self.order.len() {
            return Outcome::Found(self.choice.clone());
        }
        let r = self.order[depth];
        for k in 0..self.domains[r].len() {
            if self.nodes.used >= self.nodes.max {
                return Outcome::Budget;
            }
            self.nodes.used += 1;
            let s = self.domains[r][k];
            self.apply(r, s, 1);
            self.choice[r] = s;
            let outcome = if self.violations <= self.p.level {
                self.go(depth + 1)
            } else {
                Outcome::Exhausted
            };
            self.apply(r, s, -1);
            if !matches!(outcome, Outcome::Exhausted) {
                return outcome;
            }
        }
        Outcome::Exhausted
    }
}
