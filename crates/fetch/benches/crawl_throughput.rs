//! The crawl of issue 12 at scale: 1,000 loopback hosts, 20 URLs each, the crawler's open-file
//! limit at 1,024 and its `jobs` at the default `nianbao crawl` takes.
//!
//! Two processes, so that the servers' sockets do not count against the crawler's descriptors:
//!
//! 1. the servers (the process started by `cargo bench`): its open-file limit raised to the hard
//!    one, one listener per host (127.0.0.2, 127.0.0.3, …), each answering after a fixed latency:
//!    robots.txt a 404, `/` a column page linking `URLS - 1` report PDFs, each PDF a few bytes;
//!    the start and end of every answer are logged by host;
//! 2. the crawler: this executable again (with [`CRAWLER_ENV`] naming the file of start URLs),
//!    which sets its open-file limit to 1,024 (soft and hard: `nianbao crawl` raises the soft
//!    limit to the hard one, so the hard one is capped too), sizes `jobs` as `nianbao crawl`
//!    does ([`limits::default_jobs`] of the limit in force), crawls every host to the end, prints
//!    its counts, its peak open files and its peak RSS, and exits as `nianbao crawl` would (0 no
//!    URL failed, 4 some failed, 1 the crawl failed);
//! 3. the servers' process then prints hosts, URLs, reports collected, the crawler's exit status,
//!    how busy the politeness budget was kept, and the crawler's peak RSS.
//!
//! **Budget kept busy.** A host's budget is one request at a time, each `DELAY` after the end of
//! the previous answer. From a host's first request to its last answer, the least time its `n`
//! requests could take is their service times plus `n - 1` delays; the percentage is the sum of
//! those least times over the sum of the times taken, over all hosts. Also printed: requests per
//! second against the budget of hosts / delay, which counts the latency as lost.
//!
//! Run: `cargo bench -p nianbao-fetch --bench crawl_throughput`; settings by environment:
//! HOSTS (1000), URLS per host (20: the root and 19 reports), DELAY seconds (1.0), LATENCY_MS
//! (20), FD_LIMIT of the crawler (1024), MAX_PAGES (none: every host to its end). A large
//! frontier: `HOSTS=100 URLS=10001 MAX_PAGES=3000`.

use std::collections::HashMap;
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use nianbao_fetch::crawl::{crawl, Config};
use nianbao_fetch::http::FetcherOptions;
use nianbao_fetch::limits;
use nianbao_fetch::tls::TlsMode;
use url::Url;

/// Set in the crawler's environment: the file of start URLs, one a line.
const CRAWLER_ENV: &str = "NIANBAO_BENCH_CRAWLER";

fn setting<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() -> anyhow::Result<()> {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return Ok(()); // `cargo test --benches` asks for a list; there is nothing to test here.
    }
    match std::env::var_os(CRAWLER_ENV) {
        Some(seeds) => crawler(Path::new(&seeds)),
        None => servers(),
    }
}

/// What the servers log of one answer: the host's number, when the request arrived and when
/// its answer was ready.
type Served = (u32, Instant, Instant);

struct Server {
    root: axum::body::Bytes,
    latency: Duration,
    log: Mutex<Vec<Served>>,
}

async fn handle(State((server, host)): State<(Arc<Server>, u32)>, request: Request) -> Response {
    let start = Instant::now();
    tokio::time::sleep(server.latency).await;
    let response = match request.uri().path() {
        "/robots.txt" => (axum::http::StatusCode::NOT_FOUND, "").into_response(),
        "/" => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            server.root.clone(),
        )
            .into_response(),
        path => (
            [(header::CONTENT_TYPE, "application/pdf")],
            format!("%PDF-1.4 {path}"),
        )
            .into_response(),
    };
    server
        .log
        .lock()
        .unwrap()
        .push((host, start, Instant::now()));
    response
}

/// Step 1 and 3: the servers, the crawler started and waited for, the numbers.
fn servers() -> anyhow::Result<()> {
    let hosts: u32 = setting("HOSTS", 1000);
    let urls: u32 = setting("URLS", 20).max(1);
    let delay: f64 = setting("DELAY", 1.0);
    let latency = Duration::from_millis(setting("LATENCY_MS", 20));
    let fd_limit = limits::raise_fd_limit();
    let mut root = String::from("<html><head><title>政府信息公开年报</title></head><body>");
    for n in 1..urls {
        root.push_str(&format!(
            "<a href=\"/r/{n}.pdf\">2023年第{n}号政府信息公开工作年度报告.pdf</a>\n"
        ));
    }
    root.push_str("</body></html>");
    let server = Arc::new(Server {
        root: root.into(),
        latency,
        log: Mutex::new(Vec::new()),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let dir = tempfile::tempdir()?;
    let seeds_file = dir.path().join("seeds.txt");
    let (output, wall) = runtime.block_on(async {
        let mut seeds = String::new();
        for i in 0..hosts {
            let ip = Ipv4Addr::new(127, 0, (2 + i / 250) as u8, (2 + i % 250) as u8);
            let listener =
                tokio::net::TcpListener::bind(SocketAddr::new(IpAddr::V4(ip), 0)).await?;
            seeds.push_str(&format!("http://{}/\n", listener.local_addr()?));
            let app = axum::Router::new()
                .fallback(handle)
                .with_state((server.clone(), i));
            tokio::spawn(async move { axum::serve(listener, app).await });
        }
        std::fs::write(&seeds_file, seeds)?;
        let start = Instant::now();
        let child = Command::new(std::env::current_exe()?)
            .env(CRAWLER_ENV, &seeds_file)
            .env("CRAWL_DIR", dir.path().join("crawl"))
            .stdout(Stdio::piped())
            .spawn()?;
        let output = tokio::task::spawn_blocking(move || child.wait_with_output()).await??;
        anyhow::Ok((output, start.elapsed()))
    })?;
    let crawler: HashMap<String, String> = String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let field = |name: &str| crawler.get(name).map_or("?", String::as_str);
    let log = server.log.lock().unwrap().clone();
    let (least, taken) = budget_use(&log, Duration::from_secs_f64(delay));
    let first = log.iter().map(|(_, s, _)| *s).min();
    let last = log.iter().map(|(_, _, e)| *e).max();
    let span = first.zip(last).map_or(0.0, |(f, l)| (l - f).as_secs_f64());
    let budget = f64::from(hosts) / delay;
    println!(
        "hosts {hosts}, URLs per host {urls} (the root and {} reports) + robots.txt, delay {delay} s, latency {} ms",
        urls - 1,
        latency.as_millis()
    );
    println!(
        "servers' process: open-file limit {fd_limit:?}; crawler's process: open-file limit {} (soft and hard), jobs {} (the default for that limit), peak open files {}",
        field("fd_limit"),
        field("jobs"),
        field("peak_fds")
    );
    println!(
        "URLs crawled {} (failed {}, still queued {}); requests answered {}; reports collected {} of {}",
        field("urls"),
        field("failed"),
        field("pending"),
        log.len(),
        field("documents"),
        u64::from(hosts) * u64::from(urls - 1)
    );
    println!(
        "crawler exit status {}; wall {:.1} s (the least possible: {:.1} s)",
        output
            .status
            .code()
            .map_or("killed".to_string(), |c| c.to_string()),
        wall.as_secs_f64(),
        f64::from(urls) * delay + f64::from(urls + 1) * latency.as_secs_f64()
    );
    println!(
        "politeness budget kept busy: {:.1} % (per host, the least time its requests could take over the time they took)",
        100.0 * least / taken
    );
    println!(
        "requests {:.0}/s over {span:.1} s against a budget of {budget:.0}/s: {:.1} % (latency counted as lost)",
        log.len() as f64 / span,
        100.0 * log.len() as f64 / span / budget
    );
    println!("crawler's peak RSS {} MB", field("peak_rss_mb"));
    Ok(())
}

/// Over all hosts: the least time their requests could have taken under the politeness budget
/// (service times, and `delay` between each two), and the time they took (first request to last
/// answer), in seconds.
fn budget_use(log: &[Served], delay: Duration) -> (f64, f64) {
    let mut by_host: HashMap<u32, Vec<(Instant, Instant)>> = HashMap::new();
    for (host, start, end) in log {
        by_host.entry(*host).or_default().push((*start, *end));
    }
    let (mut least, mut taken) = (0.0, 0.0);
    for served in by_host.values_mut() {
        served.sort();
        let service: f64 = served.iter().map(|(s, e)| (*e - *s).as_secs_f64()).sum();
        least += service + delay.as_secs_f64() * (served.len() - 1) as f64;
        let last_end = served.iter().map(|(_, e)| *e).max().unwrap_or(served[0].1);
        taken += (last_end - served[0].0).as_secs_f64();
    }
    (least, taken)
}

/// Sets the open-file limit, soft and hard, to `limit`.
fn cap_fd_limit(limit: u64) -> anyhow::Result<()> {
    let capped = libc::rlimit {
        rlim_cur: limit,
        rlim_max: limit,
    };
    // SAFETY: setrlimit only reads the struct passed.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &capped) } != 0 {
        anyhow::bail!("setrlimit: {}", std::io::Error::last_os_error());
    }
    Ok(())
}

/// The process's open files now.
fn open_files() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count())
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

/// Step 2: the crawler's process. Prints `key=value` pairs for the servers' process.
fn crawler(seeds_file: &Path) -> anyhow::Result<()> {
    cap_fd_limit(setting("FD_LIMIT", 1024))?;
    // As `nianbao crawl` does: raise the soft limit (here it cannot), size `jobs` from it.
    let fd_limit = limits::raise_fd_limit();
    let jobs = limits::default_jobs(fd_limit);
    let seeds = std::fs::read_to_string(seeds_file)?
        .lines()
        .map(Url::parse)
        .collect::<Result<Vec<_>, _>>()?;
    let dir = std::path::PathBuf::from(std::env::var_os("CRAWL_DIR").unwrap_or_default());
    std::fs::create_dir_all(&dir)?;
    let peak_fds = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak_fds, done) = (peak_fds.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                peak_fds.fetch_max(open_files(), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    };
    let config = Config {
        delay: Duration::from_secs_f64(setting("DELAY", 1.0)),
        max_depth: 3,
        max_pages: std::env::var("MAX_PAGES").ok().and_then(|v| v.parse().ok()),
        max_retries: 3,
        max_retry_after: Duration::from_secs(60),
        allow_hosts: Vec::new(),
        jobs,
        max_listing_pages: 200,
        max_urls_per_host: 20_000,
        http: FetcherOptions {
            user_agent: "nianbao-bench".into(),
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_body_bytes: 64 << 20,
            tls: TlsMode::Strict,
            ca_files: Vec::new(),
        },
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let report = runtime.block_on(crawl(
        &dir,
        &seeds,
        config,
        Arc::new(nianbao_fetch::progress::Silent),
    ));
    done.store(true, Ordering::Relaxed);
    let _ = sampler.join();
    let fd_limit = fd_limit.map_or("unknown".to_string(), |n| n.to_string());
    let report = match report {
        Ok(report) => report,
        Err(e) => {
            eprintln!("crawl failed: {e:#}");
            println!(
                "fd_limit={fd_limit} jobs={jobs} peak_rss_mb={:.0}",
                peak_rss_mb()
            );
            std::process::exit(1);
        }
    };
    let urls: u64 = report.counts.by_kind.iter().map(|(_, n)| n).sum();
    for (url, error) in &report.counts.error_samples {
        eprintln!("  {url}: {error}");
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "fd_limit={fd_limit} jobs={jobs} urls={urls} failed={} pending={} documents={} peak_fds={} peak_rss_mb={:.0}",
        report.counts.failed,
        report.counts.pending,
        report.documents.len(),
        peak_fds.load(Ordering::Relaxed),
        peak_rss_mb()
    )?;
    out.flush()?;
    std::process::exit(if report.counts.failed > 0 { 4 } else { 0 });
}
