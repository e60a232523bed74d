//! Handshake and fetch against a loopback old-TLS server (TLS 1.0, RSA key exchange,
//! AES-128-CBC-SHA: tests/tls_support), strict (rustls) against legacy (OpenSSL), and rustls
//! against a TLS 1.2 server for comparison. Every request opens a new connection (the client
//! keeps none idle), so each time is a TCP connect, a full handshake and one small GET.
//!
//! Printed, per case, the median and mean time of `N` requests:
//! 1. strict, old server: rustls's handshake failing (what a strict crawl spends on such a host);
//! 2. legacy, old server, first contact: rustls failing, then OpenSSL succeeding (a new client
//!    each time, built beforehand);
//! 3. legacy, old server, known origin: OpenSSL directly (the host's later requests);
//! 4. strict, TLS 1.2 server: rustls succeeding.
//!
//! Run: `cargo bench -p nianbao-fetch --bench tls_handshake`; N by environment (200).

#[path = "../tests/tls_support/mod.rs"]
mod tls_support;

use std::net::IpAddr;
use std::time::{Duration, Instant};

use nianbao_fetch::http::{Fetcher, FetcherOptions, Validators};
use nianbao_fetch::tls::{TlsBackend, TlsMode};
use tls_support::{serve, write_pem, Pki, REPORT_PATH, TLS10_RSA_CBC, TLS12};
use url::Url;

fn options(tls: TlsMode, ca_file: &std::path::Path) -> FetcherOptions {
    FetcherOptions {
        user_agent: "nianbao-bench".into(),
        connect_timeout: Duration::from_secs(5),
        timeout: Duration::from_secs(10),
        max_body_bytes: 1 << 20,
        tls,
        ca_files: vec![ca_file.to_path_buf()],
    }
}

/// Median and mean of `times`, in milliseconds.
fn summary(times: &mut [Duration]) -> (f64, f64) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mean = times.iter().map(|d| ms(*d)).sum::<f64>() / times.len() as f64;
    (ms(times[times.len() / 2]), mean)
}

/// Times `n` requests for `url`, each through `fetcher(i)`; checks each outcome with `expect`.
async fn time_requests<'f>(
    n: usize,
    url: &Url,
    fetcher: impl Fn(usize) -> &'f Fetcher,
    expect: impl Fn(Result<Option<TlsBackend>, String>) -> bool,
) -> Vec<Duration> {
    let mut times = Vec::with_capacity(n);
    for i in 0..n {
        let start = Instant::now();
        let result = fetcher(i).get(url, &Validators::default()).await;
        times.push(start.elapsed());
        let outcome = result.map(|r| r.tls).map_err(|e| e.to_string());
        assert!(expect(outcome.clone()), "unexpected outcome: {outcome:?}");
    }
    times
}

fn main() -> anyhow::Result<()> {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return Ok(()); // `cargo test --benches` asks for a list; there is nothing to test here.
    }
    let n: usize = std::env::var("N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
        .max(1);
    let pki = Pki::new();
    let dir = tempfile::tempdir()?;
    let ca = dir.path().join("root.pem");
    write_pem(&ca, &[&pki.root.cert]);
    let ip: IpAddr = "127.0.0.1".parse()?;
    let old = serve(&pki, ip, TLS10_RSA_CBC).join(REPORT_PATH)?;
    let modern = serve(&pki, ip, TLS12).join(REPORT_PATH)?;
    let strict = Fetcher::new(&options(TlsMode::Strict, &ca))?;
    let legacy = Fetcher::new(&options(TlsMode::Legacy, &ca))?;
    let fresh: Vec<Fetcher> = (0..n)
        .map(|_| Fetcher::new(&options(TlsMode::Legacy, &ca)))
        .collect::<anyhow::Result<_>>()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let cases = runtime.block_on(async {
        let tls_error =
            |r: Result<Option<TlsBackend>, String>| r.is_err_and(|e| e.starts_with("tls: "));
        let by = |backend| move |r: Result<Option<TlsBackend>, String>| r == Ok(Some(backend));
        // The legacy client learns the old origin on its first request.
        time_requests(1, &old, |_| &legacy, by(TlsBackend::OpenSsl)).await;
        [
            (
                "strict, old server: rustls fails",
                time_requests(n, &old, |_| &strict, tls_error).await,
            ),
            (
                "legacy, old server, first contact: rustls fails, OpenSSL fetches",
                time_requests(n, &old, |i| &fresh[i], by(TlsBackend::OpenSsl)).await,
            ),
            (
                "legacy, old server, known origin: OpenSSL fetches",
                time_requests(n, &old, |_| &legacy, by(TlsBackend::OpenSsl)).await,
            ),
            (
                "strict, TLS 1.2 server: rustls fetches",
                time_requests(n, &modern, |_| &strict, by(TlsBackend::Rustls)).await,
            ),
        ]
    });
    println!(
        "{n} requests per case, each a new connection (TCP connect, handshake, GET of {} bytes)",
        tls_support::REPORT_BYTES.len()
    );
    for (name, mut times) in cases {
        let (median, mean) = summary(&mut times);
        println!("{name}: median {median:.2} ms, mean {mean:.2} ms");
    }
    Ok(())
}
