//! The run-together digit solver. The first byte picks the template and the layout of table 三;
//! every following line is one row: its first byte picks the template row, the rest is the run
//! (`nianbao_extract::internals::solve_fuzz_input`, which `tests/hostile.rs` replays too).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    nianbao_extract::internals::solve_fuzz_input(data);
});
