//! `nianbao crawl`: its options, the set-up of logging, and what is printed (new documents on
//! stdout, the summary on stderr); the crawl itself is nianbao-fetch's.
//!
//! Exit codes: 0 the crawl ran and no URL failed; 4 it ran, but some URLs failed (each is
//! recorded in `crawl.sqlite` with its status, error and attempts, and summarised on stderr; the
//! next run tries them again); 2 bad arguments; 1 a fatal error (the crawl folder or its state
//! unusable, out of file descriptors).

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use nianbao_fetch::progress::{Observer, Silent};
use nianbao_fetch::state::{SiteSummary, UrlKind};
use nianbao_fetch::tls::{ExtraRoots, TlsMode};
use nianbao_fetch::{crawl, http, limits, scope};
use url::Url;

/// Options of `nianbao crawl`.
#[derive(clap::Args, Debug, Clone)]
pub struct CrawlArgs {
    /// Site roots or column pages to crawl.
    #[arg(required = true)]
    pub urls: Vec<String>,
    /// The crawl folder (raw store and state); created if absent, resumed if present.
    #[arg(long)]
    pub out: PathBuf,
    /// Seconds from the end of one answer of a host to the next request to it (robots.txt
    /// Crawl-delay may ask for more).
    #[arg(long, value_name = "SECS", default_value_t = 1.0)]
    pub delay: f64,
    /// Another host the crawl may fetch from: `name` (its ports 80 and 443), `name:port`, or
    /// `*.suffix` (every subdomain); Unicode names (IDN) are accepted; repeatable. The start URLs'
    /// hosts are always allowed on their own port (both 80 and 443 for a start URL on either).
    #[arg(long = "allow-host", value_name = "HOST")]
    pub allow_hosts: Vec<String>,
    /// Navigation hops followed from a start URL (report pages and attachments are not counted).
    #[arg(long, default_value_t = 6)]
    pub max_depth: u32,
    /// Pages of one listing followed, counted from its first page (pagination is not navigation:
    /// it does not count toward --max-depth).
    #[arg(long, default_value_t = 200)]
    pub max_listing_pages: u32,
    /// URLs queued per host in one run, start URLs included; a host that reaches it is named in
    /// the summary.
    #[arg(long, default_value_t = 5_000)]
    pub max_urls_per_host: u64,
    /// Stop after this many URLs in this invocation (robots.txt and retries not counted); the
    /// next invocation continues the run.
    #[arg(long)]
    pub max_pages: Option<u64>,
    /// A contact (e-mail or URL) put in the User-Agent, so site operators can reach you.
    #[arg(long)]
    pub contact: Option<String>,
    /// The whole User-Agent header, replacing the default (which names the tool and the contact).
    #[arg(long)]
    pub user_agent: Option<String>,
    /// Seconds allowed for one request, body included.
    #[arg(long, value_name = "SECS", default_value_t = 30.0)]
    pub timeout: f64,
    /// Seconds allowed to connect.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    pub connect_timeout: f64,
    /// Largest body accepted, in bytes.
    #[arg(long, default_value_t = 64 << 20)]
    pub max_body_bytes: u64,
    /// Retries of a transient failure (5xx, 429, timeout, broken connection).
    #[arg(long, default_value_t = 3)]
    pub max_retries: u32,
    /// Requests in flight at once, over all hosts (default: from the open-file limit, which the
    /// crawl first raises to its hard limit; 16 under `ulimit -n 64`, at most 256).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// TLS stacks: `strict` (rustls only: TLS 1.2/1.3, forward secrecy, AEAD suites) or `legacy`
    /// (a host whose rustls handshake fails is tried again with OpenSSL, which also speaks TLS
    /// 1.0/1.1, CBC suites and RSA key exchange, as many government servers still do; certificates
    /// are verified either way). The summary names the hosts reached that way.
    #[arg(long, value_name = "MODE", default_value = "strict", value_parser = tls_mode)]
    pub tls: TlsMode,
    /// A PEM file of certificates to trust besides the system's, for both TLS stacks (repeatable):
    /// a CA, or the intermediate certificate that a server leaves out of its chain ("unknown
    /// issuer" although its root is trusted) when its certificate names no AIA URL to fetch it
    /// from.
    #[arg(long = "ca-file", value_name = "FILE")]
    pub ca_files: Vec<PathBuf>,
    /// No status line and no summary (new documents are still listed on stdout).
    #[arg(long, short)]
    pub quiet: bool,
}

/// Exit code of a crawl that ran but had URLs fail.
const FINISHED_WITH_FAILURES: u8 = 4;

/// Runs `nianbao crawl`: exit code 0 done, 4 finished with failures, 2 bad arguments (1, for a
/// fatal error, is `main`'s).
pub fn run(args: &CrawlArgs) -> anyhow::Result<ExitCode> {
    init_logging();
    let seeds = match start_urls(&args.urls) {
        Ok(seeds) => seeds,
        Err(message) => {
            eprintln!("nianbao crawl: {message}");
            return Ok(ExitCode::from(2));
        }
    };
    let config = match config(args, &seeds) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("nianbao crawl: {message}");
            return Ok(ExitCode::from(2));
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let observer: Arc<dyn Observer> = if !args.quiet && std::io::stderr().is_terminal() {
        Arc::new(StatusLine::new())
    } else {
        Arc::new(Silent)
    };
    let report = runtime.block_on(crawl::crawl(&args.out, &seeds, config, observer))?;
    let mut out = std::io::stdout().lock();
    for doc in &report.documents {
        writeln!(
            out,
            "{}\t{}\t{}\t{}",
            doc.change,
            doc.kind.name(),
            doc.url,
            doc.path
        )?;
    }
    out.flush()?;
    if !args.quiet {
        eprint!("{}", summary(&report, args.tls));
    }
    Ok(if report.counts.failed > 0 {
        ExitCode::from(FINISHED_WITH_FAILURES)
    } else {
        ExitCode::SUCCESS
    })
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    // A subscriber set by the embedding program wins.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

/// Parses the start URLs, or says which one is bad.
fn start_urls(urls: &[String]) -> Result<Vec<Url>, String> {
    urls.iter()
        .map(|u| {
            let url = Url::parse(u.trim()).map_err(|e| format!("bad start URL `{u}`: {e}"))?;
            if scope::host_key(&url).is_none() {
                return Err(format!("bad start URL `{u}`: only http:// and https:// URLs with a host can be crawled"));
            }
            Ok(url)
        })
        .collect()
}

/// Parses `--tls`.
fn tls_mode(value: &str) -> Result<TlsMode, String> {
    TlsMode::from_name(value).ok_or_else(|| {
        format!(
            "`{value}` is not a TLS mode: {} or {}",
            TlsMode::Strict.name(),
            TlsMode::Legacy.name()
        )
    })
}

fn seconds(name: &str, value: f64) -> Result<Duration, String> {
    Duration::try_from_secs_f64(value)
        .map_err(|_| format!("--{name} must be a number of seconds ≥ 0, not {value}"))
}

fn config(args: &CrawlArgs, seeds: &[Url]) -> Result<crawl::Config, String> {
    let user_agent = match (&args.user_agent, &args.contact) {
        (Some(ua), _) => ua.clone(),
        (None, Some(contact)) => {
            format!(
                "nianbao/{} (annual-report crawler; contact: {contact})",
                env!("CARGO_PKG_VERSION")
            )
        }
        (None, None) => format!(
            "nianbao/{} (annual-report crawler)",
            env!("CARGO_PKG_VERSION")
        ),
    };
    let timeout = seconds("timeout", args.timeout)?;
    let connect_timeout = seconds("connect-timeout", args.connect_timeout)?;
    if timeout.is_zero() || connect_timeout.is_zero() {
        return Err("--timeout and --connect-timeout must be more than 0".into());
    }
    if args.jobs == Some(0) {
        return Err("--jobs must be at least 1".into());
    }
    scope::Scope::new(seeds, &args.allow_hosts)?;
    ExtraRoots::read(&args.ca_files).map_err(|e| e.to_string())?;
    let fd_limit = limits::raise_fd_limit();
    Ok(crawl::Config {
        delay: seconds("delay", args.delay)?,
        max_depth: args.max_depth,
        max_listing_pages: args.max_listing_pages,
        max_urls_per_host: args.max_urls_per_host,
        max_pages: args.max_pages,
        max_retries: args.max_retries,
        max_retry_after: Duration::from_secs(600),
        allow_hosts: args.allow_hosts.clone(),
        jobs: args.jobs.unwrap_or_else(|| limits::default_jobs(fd_limit)),
        http: http::FetcherOptions {
            user_agent,
            connect_timeout,
            timeout,
            max_body_bytes: args.max_body_bytes,
            tls: args.tls,
            ca_files: args.ca_files.clone(),
        },
    })
}

/// The end-of-run summary, for a person.
fn summary(report: &crawl::Report, tls: TlsMode) -> String {
    let c = &report.counts;
    let list = |pairs: &[(String, u64)]| {
        pairs
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let new = report
        .documents
        .iter()
        .filter(|d| d.change == "new")
        .count();
    let mut s =
        format!(
        "crawl run {}{}: {}; {} not modified; {} new, {} changed documents; {} still queued{}\n",
        report.run,
        if report.resumed { " (resumed)" } else { "" },
        if c.by_kind.is_empty() { "nothing fetched".to_string() } else { list(&c.by_kind) },
        c.not_modified,
        new,
        report.documents.len() - new,
        c.pending,
        if report.finished { "" } else { " (run unfinished: the same command continues it)" },
    );
    for site in &report.sites {
        s += &site_line(site);
    }
    for redirect in &c.seed_redirects {
        s += &format!(
            "warning: start URL {} redirects to {}, outside the crawl: not followed (--allow-host names its host)\n",
            redirect.seed, redirect.target
        );
    }
    if !c.offsite.is_empty() {
        let total: u64 = c.offsite.iter().map(|(_, n)| n).sum();
        s += &format!(
            "off-site: {total} report or attachment links not followed (table offsite of crawl.sqlite): {}\n",
            list(&c.offsite)
        );
    }
    for (host, bound) in &c.bounds {
        s += &format!("bound reached: {host}: {}\n", bound.name());
    }
    if !c.legacy_tls_hosts.is_empty() {
        s += &format!(
            "legacy TLS: reached with OpenSSL after rustls failed: {}\n",
            c.legacy_tls_hosts.join(", ")
        );
    }
    if !c.aia_hosts.is_empty() {
        s += &format!(
            "incomplete certificate chain: intermediate fetched from the certificate's AIA URL: {}\n",
            c.aia_hosts.join(", ")
        );
    }
    if !c.errors.is_empty() {
        s += &format!("errors: {} ({} URLs failed)\n", list(&c.errors), c.failed);
        for (url, error) in &c.error_samples {
            s += &format!("  {url}: {error}\n");
        }
        if tls == TlsMode::Strict && c.errors.iter().any(|(kind, _)| kind == "tls") {
            s += "hint: hosts that failed the TLS handshake may run old TLS (1.0/1.1, CBC, RSA key exchange): --tls legacy tries them with OpenSSL; --ca-file adds an intermediate a server leaves out\n";
        }
    }
    s
}

/// One site's line of the summary: its listing mechanism and its reports by year, or what it
/// lacked.
fn site_line(site: &SiteSummary) -> String {
    let mechanism = if site.adapters.is_empty() {
        format!("listing by links ({})", pages(site.listings))
    } else {
        let adapters = site
            .adapters
            .iter()
            .map(|(a, n)| format!("{} ({})", a.as_str(), pages(*n)))
            .collect::<Vec<_>>()
            .join(", ");
        format!("listing by {adapters}")
    };
    let found = if site.reports() > 0 {
        let years = site
            .reports_by_year
            .iter()
            .map(|(year, n)| match year {
                Some(year) => format!("{year} {n}"),
                None => format!("no year {n}"),
            })
            .collect::<Vec<_>>()
            .join(", ");
        format!("{} reports: {years}", site.reports())
    } else if site.adapters.is_empty() {
        "no reports: no report column or no items found".to_string()
    } else {
        "no reports: the listing had no report items".to_string()
    };
    format!("site {}: {mechanism}; {found}\n", site.host)
}

/// `1 page`, `N pages`.
fn pages(n: u64) -> String {
    if n == 1 {
        "1 page".to_string()
    } else {
        format!("{n} pages")
    }
}

/// The live status line on stderr (only when stderr is a terminal and without `--quiet`):
/// fetched, queued, reports, attachments, errors, and the longest current host delay.
struct StatusLine {
    bar: ProgressBar,
    fetched: AtomicU64,
    queued: AtomicI64,
    reports: AtomicU64,
    attachments: AtomicU64,
    errors: AtomicU64,
    delays: Mutex<HashMap<String, Duration>>,
}

impl StatusLine {
    fn new() -> StatusLine {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {elapsed} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(200));
        StatusLine {
            bar,
            fetched: AtomicU64::new(0),
            queued: AtomicI64::new(0),
            reports: AtomicU64::new(0),
            attachments: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            delays: Mutex::new(HashMap::new()),
        }
    }

    fn refresh(&self) {
        let delay = self
            .delays
            .lock()
            .ok()
            .and_then(|d| d.values().max().copied())
            .unwrap_or_default();
        self.bar.set_message(format!(
            "fetched {} · queued {} · reports {} · attachments {} · errors {} · host delay {:.1}s",
            self.fetched.load(Ordering::Relaxed),
            self.queued.load(Ordering::Relaxed).max(0),
            self.reports.load(Ordering::Relaxed),
            self.attachments.load(Ordering::Relaxed),
            self.errors.load(Ordering::Relaxed),
            delay.as_secs_f64(),
        ));
    }
}

impl Observer for StatusLine {
    fn started(&self, queued: u64) {
        self.queued
            .store(i64::try_from(queued).unwrap_or(i64::MAX), Ordering::Relaxed);
        self.refresh();
    }

    fn url_done(&self, kind: UrlKind, failed: bool, newly_queued: u64) {
        self.fetched.fetch_add(1, Ordering::Relaxed);
        self.queued.fetch_add(
            i64::try_from(newly_queued).unwrap_or(0) - 1,
            Ordering::Relaxed,
        );
        match kind {
            UrlKind::Report => self.reports.fetch_add(1, Ordering::Relaxed),
            UrlKind::Attachment => self.attachments.fetch_add(1, Ordering::Relaxed),
            _ => 0,
        };
        if failed {
            self.errors.fetch_add(1, Ordering::Relaxed);
        }
        self.refresh();
    }

    fn host_delay(&self, host: &str, delay: Duration) {
        if let Ok(mut delays) = self.delays.lock() {
            delays.insert(host.to_string(), delay);
        }
        self.refresh();
    }

    fn finished(&self) {
        self.bar.finish_and_clear();
    }
}
