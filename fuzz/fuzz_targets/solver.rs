//! The run-together digit solver. The first byte picks the template and the layout of table 三;
//! every following line is one row: its first byte picks the template row, the rest is the run.
#![no_main]

use std::collections::HashMap;

use libfuzzer_sys::fuzz_target;
use nianbao_extract::internals::{solve, Budget, RunRow};
use nianbao_schema::checks::equations;
use nianbao_schema::Template;

fuzz_target!(|data: &[u8]| {
    let Some((&head, rest)) = data.split_first() else {
        return;
    };
    let template = if head & 1 == 0 {
        Template::V2021
    } else {
        Template::V2019
    };
    let specs = template.rows();
    let rows: Vec<RunRow> = rest
        .split(|b| *b == b'\n')
        .take(64)
        .filter_map(|line| {
            let (&pick, run) = line.split_first()?;
            let spec = &specs[usize::from(pick) % specs.len()];
            Some(RunRow::new(spec, String::from_utf8_lossy(run)))
        })
        .collect();
    let keys: Vec<&str> = rows
        .iter()
        .flat_map(|r| r.columns.iter().map(|(k, _)| k.as_str()))
        .collect();
    let eqs = equations(keys, head & 2 != 0 || template == Template::V2019);
    let _ = solve(&rows, &HashMap::new(), &eqs, &[], &Budget::default());
});
