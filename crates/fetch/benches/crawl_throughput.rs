//! Throughput against the politeness budget, and memory with a large frontier.
//!
//! A loopback server answers as many hosts (127.0.0.2, 127.0.0.3, …, one listener each) with a
//! fixed latency. Each host's root page links `LINKS` report-like pages, so after the roots the
//! frontier holds HOSTS × LINKS URLs (1 M by default). The crawl then runs until it has made
//! `SECS × HOSTS / DELAY` requests. Printed: requests per second achieved against the budget
//! (hosts / delay), and the peak RSS of the process (crawler and server together).
//!
//! Run: `cargo bench -p nianbao-fetch --bench crawl_throughput`; settings by environment:
//! HOSTS (100), DELAY seconds (1.0), SECS (30), LINKS per root (10000), LATENCY_MS (50).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use nianbao_fetch::crawl::{crawl, Config};
use nianbao_fetch::http::FetcherOptions;
use url::Url;

fn setting<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Server {
    root: axum::body::Bytes,
    latency: Duration,
    /// Arrival times of all requests, with the host's number.
    log: Mutex<Vec<(u32, Instant)>>,
}

async fn handle(State((server, host)): State<(Arc<Server>, u32)>, request: Request) -> Response {
    server.log.lock().unwrap().push((host, Instant::now()));
    tokio::time::sleep(server.latency).await;
    let html = [(header::CONTENT_TYPE, "text/html; charset=utf-8")];
    match request.uri().path() {
        "/robots.txt" => (axum::http::StatusCode::NOT_FOUND, "").into_response(),
        "/" => (html, server.root.clone()).into_response(),
        path => (
            html,
            format!("<html><head><title>第{path}页</title></head><body><p>内容</p></body></html>"),
        )
            .into_response(),
    }
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

fn main() -> anyhow::Result<()> {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return Ok(()); // `cargo test --benches` asks for a list; there is nothing to test here.
    }
    let hosts: u32 = setting("HOSTS", 100);
    let delay: f64 = setting("DELAY", 1.0);
    let secs: f64 = setting("SECS", 30.0);
    let links: u32 = setting("LINKS", 10_000);
    let latency = Duration::from_millis(setting("LATENCY_MS", 50));
    let mut root = String::from("<html><head><title>政府信息公开</title></head><body>");
    for n in 0..links {
        root.push_str(&format!(
            "<a href=\"/r/{n}.html\">2023年政府信息公开年报{n}</a>\n"
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
    let budget = f64::from(hosts) / delay;
    let max_pages = (secs * budget) as u64;
    let start = Instant::now();
    let report = runtime.block_on(async {
        let mut seeds = Vec::new();
        for i in 0..hosts {
            let ip = Ipv4Addr::new(127, 0, (2 + i / 250) as u8, (2 + i % 250) as u8);
            let listener =
                tokio::net::TcpListener::bind(SocketAddr::new(IpAddr::V4(ip), 0)).await?;
            seeds.push(Url::parse(&format!("http://{}/", listener.local_addr()?))?);
            let app = axum::Router::new()
                .fallback(handle)
                .with_state((server.clone(), i));
            tokio::spawn(async move { axum::serve(listener, app).await });
        }
        let config = Config {
            delay: Duration::from_secs_f64(delay),
            max_depth: 3,
            max_pages: Some(max_pages),
            max_retries: 2,
            max_retry_after: Duration::from_secs(60),
            allow_hosts: Vec::new(),
            jobs: 64,
            max_listing_pages: 200,
            max_urls_per_host: 5_000,
            http: FetcherOptions {
                user_agent: "nianbao-bench".into(),
                connect_timeout: Duration::from_secs(5),
                timeout: Duration::from_secs(10),
                max_body_bytes: 64 << 20,
                tls: nianbao_fetch::tls::TlsMode::Strict,
                ca_files: Vec::new(),
            },
        };
        crawl(
            dir.path(),
            &seeds,
            config,
            std::sync::Arc::new(nianbao_fetch::progress::Silent),
        )
        .await
    })?;
    let wall = start.elapsed();
    let log = server.log.lock().unwrap().clone();
    let times: Vec<Instant> = log.iter().map(|(_, t)| *t).collect();
    let first = times.iter().min().copied().unwrap_or(start);
    let last = times.iter().max().copied().unwrap_or(start);
    let span = (last - first).as_secs_f64();
    // Each host's first request opens its budget window: n requests need (n - 1) delays.
    let achieved = (times.len() as f64 - f64::from(hosts)) / span;
    // Steady state: from the moment every host has work (its robots.txt, root, and first
    // listed page requested), i.e. once the roots' links are all in the frontier.
    let mut third = vec![Vec::new(); hosts as usize];
    for (host, t) in &log {
        third[*host as usize].push(*t);
    }
    let steady_from = third
        .iter()
        .filter_map(|t| t.get(2).copied())
        .max()
        .unwrap_or(first);
    let steady: Vec<&Instant> = times.iter().filter(|t| **t >= steady_from).collect();
    let steady_span = (last - steady_from).as_secs_f64();
    // (Here the window does not start at each host's first request: no fencepost to remove.)
    let steady_rate = steady.len() as f64 / steady_span;
    println!(
        "hosts {hosts}, delay {delay} s, latency {} ms, {links} links per root",
        latency.as_millis()
    );
    println!(
        "frontier still queued at the end: {} URLs; requests {} (incl. robots.txt) in {span:.1} s (wall {:.1} s)",
        report.counts.pending,
        times.len(),
        wall.as_secs_f64()
    );
    println!(
        "overall: {achieved:.1} requests/s against a budget of {budget:.1}/s: {:.1} % (includes building the frontier)",
        100.0 * achieved / budget
    );
    println!(
        "steady state (last {steady_span:.1} s, every host with work): {steady_rate:.1} requests/s: {:.1} % of the budget",
        100.0 * steady_rate / budget
    );
    println!(
        "frontier built (all roots' links queued) {:.1} s after the first request",
        (steady_from - first).as_secs_f64()
    );
    let mut per_second = vec![0u32; span as usize + 1];
    for t in &times {
        per_second[(*t - first).as_secs() as usize] += 1;
    }
    println!("requests in each second: {per_second:?}");
    println!("peak RSS {:.0} MB", peak_rss_mb());
    Ok(())
}
