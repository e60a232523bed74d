//! Solve time of whole tables: realistic runs of table 三 (25 rows) plus table 四, and
//! pathological runs that must stay within the budget.

use std::collections::HashMap;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use nianbao_extract::internals::{solve, Budget, RunForm, RunRow};
use nianbao_schema::checks::{equations, TABLE3_COLUMNS, TABLE4_GROUPS};
use nianbao_schema::{Template, ValueKind};

/// The table-三 row paths of the 2021 template, in printed order. The runs below list the rows
/// in this order, separated by `/`.
const T3_ROWS: [&str; 25] = [
    "new_received",
    "carried_over",
    "result.granted",
    "result.partially_granted",
    "result.denied.state_secret",
    "result.denied.prohibited_by_law",
    "result.denied.three_securities_one_stability",
    "result.denied.third_party_rights",
    "result.denied.internal_affairs",
    "result.denied.process_info",
    "result.denied.enforcement_case_file",
    "result.denied.administrative_query",
    "result.unable.not_held",
    "result.unable.needs_creation",
    "result.unable.unclear_after_correction",
    "result.not_processed.petition_complaint",
    "result.not_processed.repeated",
    "result.not_processed.publication",
    "result.not_processed.excessive_requests",
    "result.not_processed.confirm_or_reissue",
    "result.other.no_correction",
    "result.other.fee_unpaid",
    "result.other.other",
    "result_total",
    "carried_forward",
];

/// Table 三 of pingtan-2021 as printed in its text dump (two rows fit two cuts each).
const PINGTAN_2021: &str =
    "640020470/0000000/270020130/500000 5/0000000/0000000/0000000/0000000/1000001/\
    0000000/6000006/1000001/220000325/0000000/0000000/0000000/0000000/0000000/0000000/\
    0000000/0000000/0000000/1000001/630020469/1000001";

/// Table 三 of pingtan-2024 as printed in its text dump.
const PINGTAN_2024: &str =
    "21710000218/0000000/710000071/290000029/4000004/0000000/0000000/3000003/320000032/\
    0000000/0000000/0000000/750000075/0000000/0000000/0000000/1000001/0000000/0000000/\
    0000000/1000001/0000000/1100002/21710000218/0000000";

/// A busier agency (a consistent table made up for the benchmark): counts up to four digits,
/// every row run together; the longest runs have 23 digits.
const BUSY: &str =
    "13702203551742024852806/491003053/6313965814703/2602200518305/014000317/300014320/\
    02800115115258/28028283087/001401318/01402811457/115002828115286/0201402844/\
    652401717114/327287249/100002829/114727132/2800143045/20730115127/0142822248/\
    2872870070/17115001124/11528115713269/11520720126/13962173551742044822828/234001331";

fn table(t3: &str, t4: &str) -> Vec<RunRow> {
    let mut rows: Vec<RunRow> = T3_ROWS
        .iter()
        .zip(t3.split('/'))
        .map(|(path, run)| RunRow {
            columns: TABLE3_COLUMNS
                .iter()
                .map(|c| (format!("table3.{path}.{c}"), ValueKind::Count))
                .collect(),
            run: run.to_string(),
            form: RunForm::RanTogether,
            windows: Vec::new(),
        })
        .collect();
    rows.push(RunRow {
        columns: TABLE4_GROUPS
            .iter()
            .flat_map(|g| {
                ["upheld", "corrected", "other_result", "pending", "total"]
                    .map(|c| (format!("table4.{g}.{c}"), ValueKind::Count))
            })
            .collect(),
        run: t4.to_string(),
        form: RunForm::RanTogether,
        windows: Vec::new(),
    });
    rows
}

fn bench(c: &mut Criterion) {
    let eqs = equations(Template::V2021.keys().map(|k| k.key.as_str()), false);
    let known = HashMap::new();
    let budget = Budget::default();
    let cases = [
        (
            "pingtan-2021 T3+T4",
            table(PINGTAN_2021, "10203120001200000"),
        ),
        (
            "pingtan-2024 T3+T4",
            table(PINGTAN_2024, "21317000001324019"),
        ),
        ("busy agency T3+T4", table(BUSY, "385114581230722901212")),
    ];
    for (name, rows) in &cases {
        let sol = solve(rows, &known, &eqs, &[], &budget);
        println!("{name}: {:?}; {:?}", sol.stats, sol.warnings);
        c.bench_function(name, |b| {
            b.iter(|| solve(black_box(rows), &known, &eqs, &[], &budget))
        });
    }
    let digits = "31415926535897932384626433832795028841971693993751058209749445923078164062862089";
    let mut patho = table(PINGTAN_2021, "10203120001200000");
    patho[2].run = digits.to_string();
    patho[12].run = digits[..24].to_string();
    let sol = solve(&patho, &known, &eqs, &[], &budget);
    println!("pathological: {:?}; {:?}", sol.stats, sol.warnings);
    c.bench_function("pathological 80- and 24-digit runs in T3+T4", |b| {
        b.iter(|| solve(black_box(&patho), &known, &eqs, &[], &budget))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
