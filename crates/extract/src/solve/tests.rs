//! Tests of the splitter and the table solver on hand-made rows and on the runs of real reports.

use std::collections::HashMap;

use nianbao_schema::checks::{equations, Equation, TABLE3_COLUMNS, TABLE4_GROUPS};
use nianbao_schema::{Number, Template, ValueKind};

use super::*;

const T4_COLUMNS: [&str; 5] = ["upheld", "corrected", "other_result", "pending", "total"];

fn row(keys: &[String], kinds: &[ValueKind], run: &str) -> RunRow {
    RunRow {
        columns: keys.iter().cloned().zip(kinds.iter().copied()).collect(),
        run: run.to_string(),
        form: RunForm::RanTogether,
        windows: Vec::new(),
    }
}

fn counts(path: &str, columns: &[&str], run: &str) -> RunRow {
    let keys: Vec<String> = columns.iter().map(|c| format!("{path}.{c}")).collect();
    row(&keys, &vec![ValueKind::Count; keys.len()], run)
}

fn t3(path: &str, run: &str) -> RunRow {
    counts(&format!("table3.{path}"), &TABLE3_COLUMNS, run)
}

fn t4(run: &str) -> RunRow {
    let keys: Vec<String> = TABLE4_GROUPS
        .iter()
        .flat_map(|g| T4_COLUMNS.iter().map(move |c| format!("table4.{g}.{c}")))
        .collect();
    row(&keys, &[ValueKind::Count; 15], run)
}

/// Every rule of a template; the solver ignores those naming keys it does not have.
fn rules(template: Template, single_other: bool) -> Vec<Equation> {
    equations(template.keys().map(|k| k.key.as_str()), single_other)
}

fn run(rows: &[RunRow], known: &HashMap<String, f64>, facts: &[Fact]) -> Solution {
    solve(
        rows,
        known,
        &rules(Template::V2021, false),
        facts,
        &Budget::default(),
    )
}

fn value(sol: &Solution, key: &str) -> f64 {
    match &sol.cells[key] {
        Resolved::Value { value, .. } => value.as_f64(),
        other => panic!("{key} is not decided: {other:?}\n{:#?}", sol.warnings),
    }
}

fn candidates(sol: &Solution, key: &str) -> Vec<f64> {
    match &sol.cells[key] {
        Resolved::Ambiguous { candidates } => candidates.iter().map(|n| n.as_f64()).collect(),
        other => panic!("{key} should be ambiguous: {other:?}"),
    }
}

fn values(sol: &Solution, path: &str, columns: &[&str]) -> Vec<f64> {
    columns
        .iter()
        .map(|c| value(sol, &format!("{path}.{c}")))
        .collect()
}

fn raws(splits: &[Vec<(Number, String)>]) -> Vec<String> {
    splits
        .iter()
        .map(|s| {
            s.iter()
                .map(|(_, r)| r.as_str())
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect()
}

#[test]
fn cells_follow_the_grammar() {
    let c7 = [ValueKind::Count; 7];
    assert_eq!(
        raws(&split_candidates("500000 5", &c7, 100)),
        ["5|0|0|0|0|0|5"]
    );
    assert_eq!(
        raws(&split_candidates("0 0 00 00 0", &c7, 100)),
        ["0|0|0|0|0|0|0"]
    );
    assert_eq!(
        raws(&split_candidates(" 0 0 00 00 0 ", &c7, 100)),
        ["0|0|0|0|0|0|0"]
    );
    // No leading zeros: `100` is 10|0, never 1|00.
    let c2 = [ValueKind::Count; 2];
    assert_eq!(raws(&split_candidates("100", &c2, 100)), ["10|0"]);
    // All cuts of 693665 into three cells: C(5,2) = 10.
    assert_eq!(
        split_candidates("693665", &[ValueKind::Count; 3], 100).len(),
        10
    );
    assert_eq!(
        split_candidates("693665", &[ValueKind::Count; 3], 4).len(),
        4
    );
    // Too few characters, foreign characters, a cell too long for an i64.
    assert!(split_candidates("12", &[ValueKind::Count; 3], 100).is_empty());
    assert!(split_candidates("1件2", &c2, 100).is_empty());
    assert!(split_candidates("1234567890123456789012345", &c2, 100).is_empty());
    assert_eq!(split_candidates("１２", &c2, 100)[0][1].0, Number::Int(2));
}

#[test]
fn a_row_is_decided_by_its_own_total() {
    let sol = run(&[t3("new_received", "640020470")], &HashMap::new(), &[]);
    assert_eq!(
        values(&sol, "table3.new_received", &TABLE3_COLUMNS),
        [64.0, 0.0, 0.0, 2.0, 0.0, 4.0, 70.0]
    );
    assert_eq!(sol.stats.ambiguous, 0);
    assert_eq!(sol.stats.by_split + sol.stats.by_row, 7);
    assert!(sol.stats.by_row > 0, "{:?}", sol.stats);
    assert!(
        sol.violated.is_empty() && sol.warnings.is_empty(),
        "{sol:#?}"
    );
}

/// The outcome rows other than （一） and （二）, read as zeros elsewhere.
fn other_outcomes_zero() -> HashMap<String, f64> {
    Template::V2021
        .keys()
        .filter(|k| {
            k.key.starts_with("table3.result.") && !k.key.starts_with("table3.result.granted")
        })
        .filter(|k| !k.key.starts_with("table3.result.partially_granted"))
        .map(|k| (k.key.clone(), 0.0))
        .collect()
}

#[test]
fn column_rules_decide_a_row_its_total_cannot() {
    let rows = [
        t3("result.granted", "270020130"),
        t3("result.partially_granted", "500000 5"),
        t3("result_total", "320020135"),
    ];
    let sol = run(&rows, &other_outcomes_zero(), &[]);
    assert_eq!(
        values(&sol, "table3.result.granted", &TABLE3_COLUMNS),
        [27.0, 0.0, 0.0, 2.0, 0.0, 1.0, 30.0]
    );
    assert_eq!(
        values(&sol, "table3.result_total", &TABLE3_COLUMNS),
        [32.0, 0.0, 0.0, 2.0, 0.0, 1.0, 35.0]
    );
    // 自然人, 商业企业, 社会公益组织 and 法律服务机构 of （一） differ between its two cuts.
    assert_eq!(sol.stats.by_table, 4, "{:?}", sol.stats);
    assert_eq!(sol.stats.ambiguous, 0);
    assert!(sol.violated.is_empty());
}

#[test]
fn a_truly_ambiguous_row_keeps_both_readings_until_the_prose_decides() {
    let rows = [t3("result.granted", "270020130")];
    let sol = run(&rows, &HashMap::new(), &[]);
    let key = |c: &str| format!("table3.result.granted.{c}");
    assert_eq!(candidates(&sol, &key("natural_person")), [2.0, 27.0]);
    assert_eq!(candidates(&sol, &key("commercial_enterprise")), [0.0, 7.0]);
    assert_eq!(candidates(&sol, &key("public_interest_org")), [0.0, 2.0]);
    assert_eq!(candidates(&sol, &key("legal_service_org")), [0.0, 20.0]);
    assert_eq!(value(&sol, &key("research_institution")), 0.0);
    assert_eq!(value(&sol, &key("other_org")), 1.0);
    assert_eq!(value(&sol, &key("total")), 30.0);
    assert_eq!(sol.stats.ambiguous, 4);
    let warning = sol.warnings.join("\n");
    assert!(warning.contains("27|0|0|2|0|1|30"), "{warning}");
    assert!(warning.contains("2|7|0|0|20|1|30"), "{warning}");

    let fact = |v: f64| Fact {
        key: key("natural_person"),
        value: v,
        source: "prose".into(),
    };
    let sol = run(&rows, &HashMap::new(), &[fact(27.0)]);
    assert_eq!(
        values(&sol, "table3.result.granted", &TABLE3_COLUMNS),
        [27.0, 0.0, 0.0, 2.0, 0.0, 1.0, 30.0]
    );
    assert_eq!(sol.stats.by_facts, 4);
    // A fact that fits no reading is ignored, and said so.
    let sol = run(&rows, &HashMap::new(), &[fact(5.0)]);
    assert_eq!(candidates(&sol, &key("natural_person")), [2.0, 27.0]);
    assert!(
        sol.warnings.iter().any(|w| w.contains("ignored")),
        "{:?}",
        sol.warnings
    );
}

#[test]
fn a_negative_value_only_in_a_signed_column() {
    use ValueKind::{Count, SignedCount};
    let keys: Vec<String> = ["prev_year_items", "yearly_change", "decisions"]
        .iter()
        .map(|c| format!("table2.art20_5.licensing.{c}"))
        .collect();
    let sol = run(
        &[row(&keys, &[Count, SignedCount, Count], "396 -18 181")],
        &HashMap::new(),
        &[],
    );
    assert_eq!(value(&sol, &keys[1]), -18.0);
    assert_eq!(value(&sol, &keys[2]), 181.0);
    assert_eq!(
        raws(&split_candidates("12-3", &[Count, SignedCount], 9)),
        ["12|-3"]
    );
    assert!(split_candidates("12-3", &[Count, Count], 9).is_empty());
    assert!(split_candidates("-0", &[SignedCount], 9).is_empty());
    // A lone dash is a cell of its own, read as 0.
    let dash = split_candidates("12-3", &[Count, Count, Count], 9);
    assert_eq!(raws(&dash), ["12|-|3"]);
    assert_eq!(dash[0][1].0, Number::Int(0));
}

#[test]
fn amounts_keep_their_decimals_and_units() {
    use ValueKind::{Amount, Count};
    let fee = ["table2.art20_8.admin_fees.amount_wan_yuan".to_string()];
    let sol = run(
        &[row(&fee, &[Amount], "24252.311082")],
        &HashMap::new(),
        &[],
    );
    assert_eq!(
        sol.cells[&fee[0]],
        Resolved::Value {
            value: Number::Decimal(24252.311082),
            raw: "24252.311082".into()
        }
    );
    let with_unit = split_candidates("24252.311082万元", &[Amount], 9);
    assert_eq!(raws(&with_unit), ["24252.311082万元"]);
    assert!(split_candidates("1.5", &[Count], 9).is_empty());

    let keys: Vec<String> = ["projects", "amount"]
        .iter()
        .map(|c| format!("table2.art20_9.central_procurement.{c}"))
        .collect();
    let sol = run(
        &[row(&keys, &[Count, Amount], "135 75394432.52元")],
        &HashMap::new(),
        &[],
    );
    assert_eq!(value(&sol, &keys[0]), 135.0);
    assert_eq!(
        sol.cells[&keys[1]],
        Resolved::Value {
            value: Number::Decimal(75394432.52),
            raw: "75394432.52元".into()
        }
    );
    // Without the space nothing in the table decides where 采购项目数量 ends.
    let sol = run(
        &[row(&keys, &[Count, Amount], "13575394432.52元")],
        &HashMap::new(),
        &[],
    );
    let projects = candidates(&sol, &keys[0]);
    assert_eq!(projects.len(), 10, "{projects:?}");
    assert!(projects.contains(&135.0));
    assert!(candidates(&sol, &keys[1]).contains(&75394432.52));
}

#[test]
fn an_inconsistent_group_takes_the_unique_least_violating_reading() {
    // 行政复议 printed 1/0/2/0/4: its total disagrees with its parts. An unreadable row before
    // it (its R3.2 is dropped) must not shift the names of the rules.
    let unreadable = t3("new_received", "64002047O");
    let sol = run(&[unreadable, t4("10204120001200000")], &HashMap::new(), &[]);
    let all: Vec<f64> = TABLE4_GROUPS
        .iter()
        .flat_map(|g| values(&sol, &format!("table4.{g}"), &T4_COLUMNS))
        .collect();
    assert_eq!(
        all,
        [1.0, 0.0, 2.0, 0.0, 4.0, 12.0, 0.0, 0.0, 0.0, 12.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    );
    assert_eq!(sol.violated, ["R4.1 admin_review"]);
}

#[test]
fn a_pathological_run_is_ambiguous_and_the_rest_is_read() {
    let long: String =
        "31415926535897932384626433832795028841971693993751058209749445923078164062862089"
            .to_string();
    assert_eq!(long.len(), 80);
    let rows = [
        t3("result.granted", &long),
        t3("result.denied.internal_affairs", "1000001"),
    ];
    let sol = run(&rows, &HashMap::new(), &[]);
    for c in TABLE3_COLUMNS {
        assert!(matches!(
            sol.cells[&format!("table3.result.granted.{c}")],
            Resolved::Ambiguous { .. }
        ));
    }
    assert_eq!(
        values(
            &sol,
            "table3.result.denied.internal_affairs",
            &TABLE3_COLUMNS
        ),
        [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0]
    );
    assert!(sol
        .warnings
        .iter()
        .any(|w| w.contains("table3.result.granted")));
    // The work is bounded by the budget, not by the run.
    let b = Budget::default();
    assert!(
        sol.stats.nodes <= 4 * b.max_split_steps + b.max_nodes,
        "{:?}",
        sol.stats
    );

    // Also when the run is shorter but still has far too many cuts meeting its total.
    let capped = Budget {
        max_candidates_per_row: 3,
        ..Budget::default()
    };
    let sol = solve(
        &[t3("result.granted", "1111111111112")],
        &HashMap::new(),
        &rules(Template::V2021, false),
        &[],
        &capped,
    );
    assert_eq!(sol.stats.ambiguous, 7);
}

#[test]
fn an_exhausted_search_budget_decides_nothing_it_has_not_proven() {
    let rows = [
        t3("result.granted", "270020130"),
        t3("result.partially_granted", "500000 5"),
        t3("result_total", "320020135"),
    ];
    let tiny = Budget {
        max_nodes: 2,
        ..Budget::default()
    };
    let sol = solve(
        &rows,
        &other_outcomes_zero(),
        &rules(Template::V2021, false),
        &[],
        &tiny,
    );
    assert_eq!(
        candidates(&sol, "table3.result.granted.natural_person"),
        [2.0, 27.0]
    );
    assert!(
        sol.warnings.iter().any(|w| w.contains("budget")),
        "{:?}",
        sol.warnings
    );
}

/// The runs of table 三 of pingtan-2021, as the lead's row finder cuts them from the dump.
const PINGTAN_2021_T3: [(&str, &str); 25] = [
    ("new_received", "640020470"),
    ("carried_over", "0000000"),
    ("result.granted", "270020130"),
    ("result.partially_granted", "500000 5"),
    ("result.denied.state_secret", "0000000"),
    ("result.denied.prohibited_by_law", "0000000"),
    ("result.denied.three_securities_one_stability", "0000000"),
    ("result.denied.third_party_rights", "0000000"),
    ("result.denied.internal_affairs", "1000001"),
    ("result.denied.process_info", "0000000"),
    ("result.denied.enforcement_case_file", "6000006"),
    ("result.denied.administrative_query", "1000001"),
    ("result.unable.not_held", "220000325"),
    ("result.unable.needs_creation", "0000000"),
    ("result.unable.unclear_after_correction", "0000000"),
    ("result.not_processed.petition_complaint", "0000000"),
    ("result.not_processed.repeated", "0000000"),
    ("result.not_processed.publication", "0000000"),
    ("result.not_processed.excessive_requests", "0000000"),
    ("result.not_processed.confirm_or_reissue", "0000000"),
    ("result.other.no_correction", "0000000"),
    ("result.other.fee_unpaid", "0000000"),
    ("result.other.other", "1000001"),
    ("result_total", "630020469"),
    ("carried_forward", "1000001"),
];

/// The values of pingtan-2021's truth.json for table 三, row by row.
const PINGTAN_2021_T3_TRUTH: [[f64; 7]; 25] = {
    const Z: [f64; 7] = [0.0; 7];
    const ONE: [f64; 7] = [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0];
    [
        [64.0, 0.0, 0.0, 2.0, 0.0, 4.0, 70.0],
        Z,
        [27.0, 0.0, 0.0, 2.0, 0.0, 1.0, 30.0],
        [5.0, 0.0, 0.0, 0.0, 0.0, 0.0, 5.0],
        Z,
        Z,
        Z,
        Z,
        ONE,
        Z,
        [6.0, 0.0, 0.0, 0.0, 0.0, 0.0, 6.0],
        ONE,
        [22.0, 0.0, 0.0, 0.0, 0.0, 3.0, 25.0],
        Z,
        Z,
        Z,
        Z,
        Z,
        Z,
        Z,
        Z,
        Z,
        ONE,
        [63.0, 0.0, 0.0, 2.0, 0.0, 4.0, 69.0],
        ONE,
    ]
};

fn pingtan_2021_t3() -> Vec<RunRow> {
    PINGTAN_2021_T3.iter().map(|(p, r)| t3(p, r)).collect()
}

#[test]
fn pingtan_2021_table_three_matches_its_truth() {
    let facts = [
        ("table3.new_received.total", 70.0),
        ("table3.result_total.total", 69.0),
        ("table3.carried_forward.total", 1.0),
    ]
    .map(|(key, value)| Fact {
        key: key.into(),
        value,
        source: "本年度全区共收到70件申请，及时依法依规办结69件，1件结转下年度继续办理".into(),
    });
    let sol = run(&pingtan_2021_t3(), &HashMap::new(), &facts);
    for ((path, _), truth) in PINGTAN_2021_T3.iter().zip(PINGTAN_2021_T3_TRUTH) {
        assert_eq!(
            values(&sol, &format!("table3.{path}"), &TABLE3_COLUMNS),
            truth,
            "{path}"
        );
    }
    assert!(
        sol.violated.is_empty() && sol.warnings.is_empty(),
        "{sol:#?}"
    );
    // 21 rows have one cut (147 cells); 640020470 and 630020469 are fixed by their totals, and
    // so are 3 + 5 cells of 270020130 and 220000325, which keep two cuts each until the columns
    // are summed (4 + 2 cells).
    assert_eq!(
        sol.stats,
        Stats {
            by_split: 147,
            by_row: 22,
            by_table: 6,
            by_facts: 0,
            ambiguous: 0,
            nodes: sol.stats.nodes,
        }
    );
}

#[test]
fn pingtan_2021_tables_two_to_four_never_state_a_wrong_number() {
    use ValueKind::Amount;
    let t2 =
        |path: &str, columns: &[&str], run: &str| counts(&format!("table2.{path}"), columns, run);
    let docs = ["issued", "repealed", "in_force"];
    let mut rows = vec![
        t2("art20_1.regulations", &docs, "000"),
        t2("art20_1.normative_docs", &docs, "693665"),
        t2("art20_5.licensing", &["decisions"], "2293"),
        t2("art20_6.penalty", &["decisions"], "1282"),
        t2("art20_6.coercion", &["decisions"], "42"),
        row(
            &["table2.art20_8.admin_fees.amount_wan_yuan".to_string()],
            &[Amount],
            "24252.311082",
        ),
        t4("10203120001200000"),
    ];
    rows.extend(pingtan_2021_t3());
    let sol = run(&rows, &HashMap::new(), &[]);
    let truth: &[(&str, f64)] = &[
        ("table2.art20_1.regulations.issued", 0.0),
        ("table2.art20_1.regulations.repealed", 0.0),
        ("table2.art20_1.regulations.in_force", 0.0),
        ("table2.art20_5.licensing.decisions", 2293.0),
        ("table2.art20_6.penalty.decisions", 1282.0),
        ("table2.art20_6.coercion.decisions", 42.0),
        ("table2.art20_8.admin_fees.amount_wan_yuan", 24252.311082),
    ];
    for &(key, v) in truth {
        assert_eq!(value(&sol, key), v, "{key}");
    }
    // 693665 has ten cuts and no rule: the truth (69/3/665) is among the candidates.
    for (c, v) in docs.iter().zip([69.0, 3.0, 665.0]) {
        assert!(candidates(&sol, &format!("table2.art20_1.normative_docs.{c}")).contains(&v));
    }
    let t4_truth = [
        1.0, 0.0, 2.0, 0.0, 3.0, 12.0, 0.0, 0.0, 0.0, 12.0, 0.0, 0.0, 0.0, 0.0, 0.0,
    ];
    let t4_values: Vec<f64> = TABLE4_GROUPS
        .iter()
        .flat_map(|g| values(&sol, &format!("table4.{g}"), &T4_COLUMNS))
        .collect();
    assert_eq!(t4_values, t4_truth);
    for ((path, _), truth) in PINGTAN_2021_T3.iter().zip(PINGTAN_2021_T3_TRUTH) {
        assert_eq!(
            values(&sol, &format!("table3.{path}"), &TABLE3_COLUMNS),
            truth,
            "{path}"
        );
    }
    assert_eq!(sol.stats.ambiguous, 3);
    assert_eq!(sol.cells.len(), 10 + 15 + 175);
}

#[test]
fn pingtan_2019_table_three_with_stray_spaces() {
    let runs = [
        ("new_received", "230 000023", 23.0),
        ("carried_over", "0000000", 0.0),
        ("result.granted", "7000007", 7.0),
        ("result.partially_granted", "1000001", 1.0),
        ("result.unable.not_held", "7000007", 7.0),
        ("result.unable.unclear_after_correction", "5000005", 5.0),
        ("result.not_processed.repeated", "3000003", 3.0),
        ("result.other.total", "0 0 0 0 0 00", 0.0),
        ("result_total", "23 0 00 0 023", 23.0),
        ("carried_forward", " 0 0 00 00 0 ", 0.0),
    ];
    let rows: Vec<RunRow> = runs.iter().map(|(p, r, _)| t3(p, r)).collect();
    // The other outcome rows of this report are all zeros; they are read normally here.
    let known: HashMap<String, f64> = Template::V2019
        .keys()
        .filter(|k| k.key.starts_with("table3.result."))
        .filter(|k| {
            !runs
                .iter()
                .any(|(p, _, _)| k.key.starts_with(&format!("table3.{p}.")))
        })
        .map(|k| (k.key.clone(), 0.0))
        .collect();
    let sol = solve(
        &rows,
        &known,
        &rules(Template::V2019, true),
        &[],
        &Budget::default(),
    );
    for (path, _, v) in runs {
        assert_eq!(
            values(&sol, &format!("table3.{path}"), &TABLE3_COLUMNS),
            [v, 0.0, 0.0, 0.0, 0.0, 0.0, v],
            "{path}"
        );
    }
    assert!(
        sol.violated.is_empty() && sol.warnings.is_empty(),
        "{sol:#?}"
    );
}

/// The pruned enumeration keeps exactly the splits of the full one that meet the row rules.
#[test]
fn pruning_by_row_sums_loses_no_split() {
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let t3_sum = LocalEq {
        id: 0,
        terms: (0..6).map(|c| (c, 1)).chain([(6, -1)]).collect(),
        constant: 0,
        unless_blank: None,
    };
    let t4_sums: Vec<LocalEq> = (0..3)
        .map(|g| LocalEq {
            id: g,
            terms: (0..4)
                .map(|c| (5 * g + c, 1))
                .chain([(5 * g + 4, -1)])
                .collect(),
            constant: 0,
            unless_blank: None,
        })
        .collect();
    let mut kept = 0;
    let mut tried = 0;
    for round in 0..1000 {
        let (eqs, cols) = if round % 2 == 0 {
            (std::slice::from_ref(&t3_sum), 7)
        } else {
            (t4_sums.as_slice(), 15)
        };
        // Runs built from true rows (so that some splits fit), then perturbed by a digit.
        let mut cells: Vec<u64> = (0..cols)
            .map(|_| [0, 0, 1, 3, 12, 40, 250][next(if cols == 7 { 7 } else { 5 }) as usize])
            .collect();
        if cols == 7 {
            cells[6] = cells[..6].iter().sum();
        } else {
            for g in 0..3 {
                cells[5 * g + 4] = cells[5 * g..5 * g + 4].iter().sum();
            }
        }
        let mut run: String = cells.iter().map(u64::to_string).collect();
        if next(3) == 0 {
            let i = next(run.len() as u64) as usize;
            run.insert(i, char::from(b'0' + next(10) as u8));
        }
        // Keep the unpruned enumeration small: C(13, 6) and C(18, 14) leaves at most.
        if run.len() > cols + if cols == 7 { 7 } else { 4 } {
            continue;
        }
        tried += 1;
        let prep = Prepared::new(&run, &vec![ValueKind::Count; cols], false).unwrap();
        let all = prep.enumerate(eqs, false, usize::MAX, u64::MAX);
        let strict = prep.enumerate(eqs, true, usize::MAX, u64::MAX);
        let show = |s: &Split| s.pieces.iter().map(|p| p.raw.clone()).collect::<Vec<_>>();
        let want: Vec<_> = all
            .splits
            .iter()
            .filter(|s| s.violated.is_empty())
            .map(show)
            .collect();
        let mut got: Vec<_> = strict.splits.iter().map(show).collect();
        let mut want_sorted = want.clone();
        want_sorted.sort();
        got.sort();
        assert_eq!(got, want_sorted, "{run}");
        kept += got.len();
    }
    assert!(tried > 500 && kept > tried, "{tried} runs, {kept} splits");
}

#[test]
fn a_row_without_its_blank_cells_places_its_values_in_order() {
    let texts = |run: &str, eqs: &[LocalEq]| -> Vec<String> {
        let prep = Prepared::new(run, &[ValueKind::Count; 3], true).unwrap();
        let mut got: Vec<String> = prep
            .enumerate(eqs, true, usize::MAX, u64::MAX)
            .splits
            .iter()
            .map(show)
            .collect();
        got.sort();
        got
    };
    assert_eq!(texts("7 3", &[]), vec!["7|3|", "7||3", "|7|3"]);
    // Segments are whole cells: `10` is never 1|0.
    assert_eq!(texts("10 2 5", &[]), vec!["10|2|5"]);
    // A row total holds where it is printed and does not apply where it is blank.
    let total = LocalEq {
        id: 0,
        terms: vec![(0, 1), (1, 1), (2, -1)],
        constant: 0,
        unless_blank: Some(2),
    };
    assert_eq!(
        texts("7 3 10", std::slice::from_ref(&total)),
        vec!["7|3|10"]
    );
    assert_eq!(texts("7 3", std::slice::from_ref(&total)), vec!["7|3|"]);
    assert_eq!(
        texts("7 7", std::slice::from_ref(&total)),
        vec!["7|7|", "7||7", "|7|7"]
    );
}

#[test]
fn gapped_cells_the_rules_cannot_place_are_ambiguous_with_blank_among_the_candidates() {
    let spec = Template::V2021
        .rows()
        .iter()
        .find(|r| r.path == "table4.admin_review")
        .unwrap();
    let rows = vec![RunRow::gapped(spec, ["2", "2"], true)];
    let solution = run(&rows, &HashMap::new(), &[]);
    // 2 in one of the four result columns and 2 as the total: the total is settled.
    assert_eq!(
        solution.cells["table4.admin_review.total"],
        Resolved::Value {
            value: Number::Int(2),
            raw: "2".into()
        }
    );
    assert_eq!(
        solution.cells["table4.admin_review.upheld"],
        Resolved::Ambiguous {
            candidates: vec![Number::Int(0), Number::Int(2)]
        }
    );
}

#[test]
fn gapped_rows_of_any_values_are_read_without_panic_and_keep_their_values_in_order() {
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let tokens = ["0", "1", "7", "12", "-", "250", "3.5", "元", "x"];
    let specs = Template::V2021.rows();
    for _ in 0..300 {
        let first = next(specs.len() as u64) as usize;
        let rows: Vec<RunRow> = (first..specs.len().min(first + 1 + next(4) as usize))
            .map(|r| {
                let spec = &specs[r];
                let n = 1 + next(spec.columns.len() as u64) as usize;
                let values: Vec<&str> = (0..n)
                    .map(|_| tokens[next(tokens.len() as u64) as usize])
                    .collect();
                RunRow::gapped(spec, values, next(2) == 0)
            })
            .collect();
        let solution = run(&rows, &HashMap::new(), &[]);
        for row in &rows {
            // The printed values of a row read in full are its values, in order.
            let read: Option<Vec<String>> = row
                .columns
                .iter()
                .map(|(k, _)| match &solution.cells[k] {
                    Resolved::Value { raw, .. } => Some(raw.clone()),
                    Resolved::Ambiguous { .. } => None,
                })
                .collect();
            if let Some(read) = read {
                let printed: Vec<&str> = read
                    .iter()
                    .map(String::as_str)
                    .filter(|r| !r.is_empty())
                    .collect();
                assert_eq!(printed.join(" "), row.run, "{:?}", row.run);
            }
        }
    }
}
