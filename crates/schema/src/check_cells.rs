//! Which cells a check involves, so a failed check can be drawn on them: the one place that maps
//! a check's rule and scope to cell keys.
//!
//! The report's own rules (R3.1 per column, R3.2 per row, R3.3 per column, R4.1 per group) are
//! looked up in the schema's own equations, so the cells drawn are exactly the operands the check
//! summed. X3.1 (across reports) names a column of table 三; on the later year's page its cell is
//! `table3.carried_over.<column>` (the other side is last year's report).

use crate::checks::{equations, TABLE3_COLUMNS};

/// A consistency rule, as named in the `checks` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    /// New + carried over = result total + carried forward, per column of table 三.
    NewPlusCarriedOver,
    /// The applicant columns sum to the row's total, per row of table 三.
    RowTotal,
    /// The outcomes sum to （七）总计, per column of table 三.
    OutcomeTotal,
    /// The four results sum to the total, per group of table 四.
    Table4Total,
    /// Last year's carried forward = this year's carried over, per column (across reports).
    CarryOverAcrossYears,
}

impl Rule {
    /// Parses a rule id (`R3.1`, …, `X3.1`); `None` for a rule this site does not know.
    pub fn from_id(id: &str) -> Option<Rule> {
        Some(match id {
            "R3.1" => Rule::NewPlusCarriedOver,
            "R3.2" => Rule::RowTotal,
            "R3.3" => Rule::OutcomeTotal,
            "R4.1" => Rule::Table4Total,
            "X3.1" => Rule::CarryOverAcrossYears,
            _ => return None,
        })
    }

    /// The rule id as in the `checks` table.
    pub fn id(self) -> &'static str {
        match self {
            Rule::NewPlusCarriedOver => "R3.1",
            Rule::RowTotal => "R3.2",
            Rule::OutcomeTotal => "R3.3",
            Rule::Table4Total => "R4.1",
            Rule::CarryOverAcrossYears => "X3.1",
        }
    }
}

/// The keys of the cells that the check `rule` over `scope` involves, among `keys` (the report's
/// cell keys). Empty when the rule or scope is unknown.
pub fn cells_of_check<'k>(
    rule: &str,
    scope: &str,
    keys: impl IntoIterator<Item = &'k str>,
) -> Vec<String> {
    let Some(rule) = Rule::from_id(rule) else {
        return Vec::new();
    };
    let keys: Vec<&str> = keys.into_iter().collect();
    if rule == Rule::CarryOverAcrossYears {
        if !TABLE3_COLUMNS.contains(&scope) {
            return Vec::new();
        }
        let key = format!("table3.carried_over.{scope}");
        return keys
            .iter()
            .filter(|k| **k == key)
            .map(|k| k.to_string())
            .collect();
    }
    let single_other = keys
        .iter()
        .any(|k| k.starts_with("table3.result.other.total."));
    equations(keys.iter().copied(), single_other)
        .into_iter()
        .filter(|eq| eq.rule == rule.id() && eq.scope == scope)
        .flat_map(|eq| eq.lhs.into_iter().chain(eq.rhs))
        .filter(|k| keys.contains(&k.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Template;

    fn keys(template: Template) -> Vec<&'static str> {
        template.keys().map(|k| k.key.as_str()).collect()
    }

    #[test]
    fn r3_1_is_one_column_of_four_rows() {
        let cells = cells_of_check("R3.1", "natural_person", keys(Template::V2021));
        assert_eq!(
            cells,
            [
                "table3.new_received.natural_person",
                "table3.carried_over.natural_person",
                "table3.result_total.natural_person",
                "table3.carried_forward.natural_person",
            ]
        );
    }

    #[test]
    fn r3_2_is_one_row() {
        let cells = cells_of_check("R3.2", "table3.result.granted", keys(Template::V2021));
        assert_eq!(cells.len(), 7);
        assert!(cells
            .iter()
            .all(|k| k.starts_with("table3.result.granted.")));
    }

    #[test]
    fn r3_3_follows_the_template_s_other_rows() {
        let v2021 = cells_of_check("R3.3", "total", keys(Template::V2021));
        assert_eq!(v2021.len(), 18 + 3 + 1);
        assert!(v2021.contains(&"table3.result.other.fee_unpaid.total".to_string()));
        let v2019 = cells_of_check("R3.3", "total", keys(Template::V2019));
        assert_eq!(v2019.len(), 18 + 1 + 1);
        assert!(v2019.contains(&"table3.result.other.total.total".to_string()));
        assert!(v2019.iter().all(|k| k.ends_with(".total")));
    }

    #[test]
    fn r4_1_is_one_group_of_five() {
        let cells = cells_of_check("R4.1", "litigation_direct", keys(Template::V2019));
        assert_eq!(cells.len(), 5);
        assert!(cells
            .iter()
            .all(|k| k.starts_with("table4.litigation_direct.")));
    }

    #[test]
    fn x3_1_is_this_year_s_carried_over() {
        let cells = cells_of_check("X3.1", "total", keys(Template::V2021));
        assert_eq!(cells, ["table3.carried_over.total"]);
        assert!(cells_of_check("X3.1", "nonsense", keys(Template::V2021)).is_empty());
    }

    #[test]
    fn unknown_rules_and_scopes_and_absent_keys_draw_nothing() {
        assert!(cells_of_check("R9.9", "total", keys(Template::V2021)).is_empty());
        assert!(cells_of_check("R3.1", "nobody", keys(Template::V2021)).is_empty());
        assert_eq!(
            cells_of_check("R3.1", "total", ["table3.new_received.total"]),
            ["table3.new_received.total"]
        );
        assert_eq!(Rule::from_id("X3.1").map(Rule::id), Some("X3.1"));
    }
}
