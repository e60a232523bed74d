//! One-thread throughput of extraction and of what `nianbao dataset` does per document, on the
//! same files, for `crates/dataset/benches/bench.sh` (not a test). The files are named on
//! standard input, one a line; each pass goes over all of them:
//!
//! 1. `extract_bytes` on bytes already in memory (what criterion's `extract` bench measures);
//! 2. `extract_bytes_with_narrative` on bytes in memory: the dataset also reads the prose's
//!    statements (its `facts` table), which `extract_bytes` does not;
//! 3. `narrative` alone, on the documents already read: what pass 2 adds to pass 1;
//! 4. `read_file` and `extract_bytes_with_narrative`: the dataset's per-document work, without
//!    its tables.
//!
//! Prints one line per pass: `name: N reports, wall S s = R reports/s, cpu S s = R reports/s`,
//! the CPU time being this thread's time on a core (`/proc/thread-self/schedstat`), which a
//! shared machine disturbs less than the wall time. The allocator is the binary's (mimalloc).
//!
//!     find DIR -type f | sort | target/release/examples/throughput

use std::io::BufRead;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use nianbao_extract::{
    extract_bytes, extract_bytes_with_narrative, narrative, read_file, read_named, Limits,
};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Wall time and this thread's CPU time since it was made.
struct Clock {
    wall: Instant,
    cpu: Duration,
}

impl Clock {
    fn start() -> Clock {
        Clock {
            wall: Instant::now(),
            cpu: thread_cpu(),
        }
    }

    fn print(&self, name: &str, n: usize) {
        let wall = self.wall.elapsed().as_secs_f64();
        let cpu = (thread_cpu() - self.cpu).as_secs_f64();
        let rate = |secs: f64| n as f64 / secs;
        println!(
            "{name}: {n} reports, wall {wall:.3} s = {:.0} reports/s, cpu {cpu:.3} s = {:.0} reports/s",
            rate(wall),
            rate(cpu)
        );
    }
}

/// The time this thread has spent on a core (Linux).
fn thread_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").expect("schedstat");
    let nanos = stat.split_whitespace().next().and_then(|n| n.parse().ok());
    Duration::from_nanos(nanos.expect("schedstat: on-CPU nanoseconds"))
}

fn main() {
    let paths: Vec<PathBuf> = std::io::stdin()
        .lock()
        .lines()
        .map(|line| PathBuf::from(line.expect("a path a line")))
        .collect();
    let limits = Limits::default();
    let n = paths.len();
    let contents: Vec<(String, Vec<u8>)> = paths
        .iter()
        .map(|path| {
            let bytes = read_file(path, limits.max_input_bytes).expect("read");
            (path.display().to_string(), bytes)
        })
        .collect();

    let clock = Clock::start();
    for (name, bytes) in &contents {
        let _ = extract_bytes(bytes, name, &limits);
    }
    clock.print("extract_bytes, bytes in memory", n);

    let clock = Clock::start();
    for (name, bytes) in &contents {
        let _ = extract_bytes_with_narrative(bytes, name, &limits);
    }
    clock.print("extract_bytes_with_narrative, bytes in memory", n);

    let documents: Vec<_> = contents
        .iter()
        .filter_map(|(name, bytes)| read_named(bytes, name, &limits).ok())
        .collect();
    let clock = Clock::start();
    for read in &documents {
        let _ = narrative(&read.document);
    }
    clock.print("narrative, documents read", documents.len());
    drop(documents);
    drop(contents);

    let clock = Clock::start();
    for path in &paths {
        if let Ok(bytes) = read_file(path, limits.max_input_bytes) {
            let _ = extract_bytes_with_narrative(&bytes, &path.display().to_string(), &limits);
        }
    }
    clock.print("read_file + extract_bytes_with_narrative", n);
}
