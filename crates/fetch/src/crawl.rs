//! The crawl loop: one worker per host, many hosts at once, at most `jobs` requests in flight.
//!
//! Each host has a gate (an async mutex around its pacer) that every request to it passes: at most
//! one request in flight per host, the delay from the end of one answer to the start of the next
//! request, longer after a `Retry-After` or a backoff. Past its gate, a request waits for one of the
//! crawl's `jobs` permits (a FIFO semaphore, so hosts take turns), and keeps it until its answer is
//! recorded: sockets in flight and bodies in memory are both bounded by `jobs`.
//!
//! A worker takes its host's next URL from the SQLite frontier, checks robots.txt, fetches
//! (retrying transient failures), reads the page on a blocking thread, stores what is kept, and
//! records the result and the links it yielded in one transaction. Whatever goes wrong with one
//! URL (an HTTP error, a stored copy gone missing, a failed write) is recorded on that URL and the
//! crawl goes on; only the crawl state itself failing stops it.
//!
//! A listing page is also given to [`listing::detect`]: the items of a CMS listing are discovered
//! as links of the page, and its list requests are queued as frontier rows of their own (keyed by
//! [`ListRequest::key`], so the POST pages of one URL are distinct), as pagination. A list
//! request is fetched through its host's gate like any URL; its answer goes to [`listing::parse`]
//! and is recorded as a listing with the adapter that read it. When a record queues URLs for a
//! host without a worker, a worker is started for it. The frontier stays on disk, so memory does
//! not grow with it.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::{mpsc, Semaphore, SemaphorePermit};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tracing::{debug, info, warn};
use url::Url;

use crate::classify::{attachment_ext, ext_for_content_type, is_html, sniff_document};
use crate::discover::{is_report_page, listing_targets, report_targets, Hint, Target};
use crate::http::{FetchError, Fetcher, FetcherOptions, Response, Validators};
use crate::limits::is_out_of_descriptors;
use crate::listing::columns::ColumnKind;
use crate::listing::removed::{is_removed_page, meta_refresh};
use crate::listing::{self, ListItem, ListRequest};
use crate::page::{Link, Page};
use crate::progress::Observer;
use crate::robots::{agent_token, Robots};
use crate::scope::{host_key, normalize, Scope};
use crate::state::{
    Bound, Job, OffsiteLink, Queued, Record, RunCounts, RunDocument, SiteSummary, State, UrlKind,
};
use nianbao_format::decode::decode_http;
use nianbao_store::raw::{RawStore, Stored};
use nianbao_store::DocumentKind;

/// Redirects followed in a row from one link; the next one is recorded as an error.
pub const MAX_REDIRECTS: u32 = 10;

/// Settings of a crawl.
#[derive(Debug, Clone)]
pub struct Config {
    /// Least time from the end of one answer of a host to the next request to it.
    pub delay: Duration,
    /// Navigation hops allowed from a start URL.
    pub max_depth: u32,
    /// Pages of one listing followed (pagination hops from its first page).
    pub max_listing_pages: u32,
    /// URLs queued per host in one run (start URLs included).
    pub max_urls_per_host: u64,
    /// URLs taken from the frontier in this invocation (robots.txt and retries not counted).
    pub max_pages: Option<u64>,
    /// Retries of a transient failure (5xx, 429, timeout, broken connection).
    pub max_retries: u32,
    /// Longest `Retry-After` honoured as asked; longer ones are cut to this.
    pub max_retry_after: Duration,
    /// Hosts allowed besides those of the start URLs.
    pub allow_hosts: Vec<String>,
    /// Requests in flight at once, over all hosts (each holds a socket and its body).
    pub jobs: usize,
    /// HTTP client settings.
    pub http: FetcherOptions,
}

/// What a crawl invocation did.
#[derive(Debug)]
pub struct Report {
    /// The run id.
    pub run: i64,
    /// Whether it continued an unfinished run.
    pub resumed: bool,
    /// Whether the run's frontier was emptied (false when `--max-pages` stopped it).
    pub finished: bool,
    /// Documents new or changed in this run.
    pub documents: Vec<RunDocument>,
    /// Counts for the summary.
    pub counts: RunCounts,
    /// Per site: its listing mechanism and its reports by year.
    pub sites: Vec<SiteSummary>,
}

/// Crawls from `seeds` into the crawl folder `dir`, telling `observer` how it goes.
pub async fn crawl(
    dir: &Path,
    seeds: &[Url],
    config: Config,
    observer: Arc<dyn Observer>,
) -> anyhow::Result<Report> {
    let _lock = nianbao_store::raw::lock(dir)?;
    let store = RawStore::open(dir)?;
    let mut state = State::open(dir)?;
    let scope = Scope::new(seeds, &config.allow_hosts).map_err(|e| anyhow::anyhow!(e))?;
    let seeds: Vec<Queued> = seeds
        .iter()
        .filter_map(|url| {
            let url = normalize(url);
            let host = scope.admit(&url)?;
            let target = Target {
                url,
                title: String::new(),
                hint: Hint::Page,
                prio: 0,
                depth: 0,
                listing_page: 0,
                redirects: 0,
                request: None,
            };
            Some(Queued {
                host,
                target,
                referrer: None,
            })
        })
        .collect();
    let (run, resumed) = state.begin_run(&seeds)?;
    info!(run, resumed, "crawl run");
    let hosts = state.pending_hosts()?;
    observer.started(state.pending()?);
    let (spawn_tx, mut spawn_rx) = mpsc::unbounded_channel();
    let ctx = Arc::new(Ctx {
        dir: dir.to_path_buf(),
        robots_agent: agent_token(&config.http.user_agent),
        jobs: Semaphore::new(config.jobs.max(1)),
        fetcher: Fetcher::new(&config.http)?,
        config,
        scope,
        store,
        db: DbThread::spawn(Db {
            state,
            active: hosts.iter().cloned().collect(),
        })?,
        hosts: Mutex::new(HashMap::new()),
        observer,
        work_permits: Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())),
        spawn_tx,
        run,
        started: AtomicU64::new(0),
        fatal: Mutex::new(None),
    });
    let mut workers = JoinSet::new();
    for host in hosts {
        workers.spawn(host_worker(ctx.clone(), host));
    }
    loop {
        while let Ok(host) = spawn_rx.try_recv() {
            workers.spawn(host_worker(ctx.clone(), host));
        }
        if workers.is_empty() {
            break;
        }
        tokio::select! {
            Some(host) = spawn_rx.recv() => { workers.spawn(host_worker(ctx.clone(), host)); }
            Some(joined) = workers.join_next() => {
                if let Err(e) = joined {
                    ctx.fail(anyhow::anyhow!("a crawl worker failed: {e}"));
                }
            }
        }
    }
    ctx.observer.finished();
    if let Some(e) = ctx
        .fatal
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take()
    {
        return Err(e);
    }
    ctx.db
        .call(move |db| {
            Ok(Report {
                run,
                resumed,
                finished: db.state.finish_run(run)?,
                documents: db.state.run_documents(run)?,
                counts: db.state.run_counts(run)?,
                sites: db.state.site_summaries(run)?,
            })
        })
        .await
}

/// The thread that owns the crawl state: every database call runs there, in the order asked,
/// so tasks never block on a lock and the frontier's allocations stay on one thread.
struct DbThread {
    calls: std::sync::mpsc::Sender<DbCall>,
}

/// A call run on the state thread.
type DbCall = Box<dyn FnOnce(&mut Db) + Send>;

impl DbThread {
    fn spawn(mut db: Db) -> std::io::Result<DbThread> {
        let (calls, rx) = std::sync::mpsc::channel::<DbCall>();
        std::thread::Builder::new()
            .name("nianbao-state".into())
            .spawn(move || {
                for call in rx {
                    call(&mut db);
                }
            })?;
        Ok(DbThread { calls })
    }

    /// Runs `f` on the crawl state and waits for its result.
    async fn call<T, F>(&self, f: F) -> anyhow::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Db) -> rusqlite::Result<T> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.calls
            .send(Box::new(move |db| {
                // The receiver only goes away if the crawl is being torn down.
                let _ = tx.send(f(db));
            }))
            .map_err(|_| anyhow::anyhow!("the crawl state thread has stopped"))?;
        Ok(rx.await??)
    }
}

struct Db {
    state: State,
    /// Hosts that have a worker.
    active: HashSet<String>,
}

struct Ctx {
    /// The crawl folder.
    dir: PathBuf,
    /// One permit per request in flight (held until its answer is recorded).
    jobs: Semaphore,
    /// The agent token matched against robots.txt `User-agent:` lines.
    robots_agent: String,
    config: Config,
    fetcher: Fetcher,
    scope: Scope,
    store: RawStore,
    db: DbThread,
    hosts: Mutex<HashMap<String, Arc<Host>>>,
    observer: Arc<dyn Observer>,
    /// Answers being read and recorded at once (one per core): bounds the memory that the
    /// links of big pages take while they wait for the database.
    work_permits: Semaphore,
    spawn_tx: mpsc::UnboundedSender<String>,
    run: i64,
    /// URLs taken from the frontier (for `max_pages`).
    started: AtomicU64,
    fatal: Mutex<Option<anyhow::Error>>,
}

/// What the crawler keeps about a host across its workers.
struct Host {
    key: String,
    /// The pacer; held for the whole of a request, so requests to the host never overlap.
    gate: tokio::sync::Mutex<Pacer>,
    /// robots.txt by origin (`http://name:port`), each until it expires.
    robots: tokio::sync::Mutex<HashMap<String, (Arc<Robots>, Instant)>>,
}

struct Pacer {
    delay: Duration,
    next: Instant,
}

impl Ctx {
    fn host(&self, key: &str) -> Arc<Host> {
        let mut hosts = self.hosts.lock().unwrap_or_else(PoisonError::into_inner);
        hosts
            .entry(key.to_string())
            .or_insert_with(|| {
                Arc::new(Host {
                    key: key.to_string(),
                    gate: tokio::sync::Mutex::new(Pacer {
                        delay: self.config.delay,
                        next: Instant::now(),
                    }),
                    robots: tokio::sync::Mutex::new(HashMap::new()),
                })
            })
            .clone()
    }

    fn fail(&self, e: anyhow::Error) {
        warn!("{e:#}");
        self.fatal
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get_or_insert(e);
    }

    fn stopping(&self) -> bool {
        self.fatal
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some()
    }

    /// Takes one URL from the page budget; false when it is spent.
    fn take_budget(&self) -> bool {
        self.config
            .max_pages
            .is_none_or(|max| self.started.fetch_add(1, Ordering::Relaxed) < max)
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.config.delay.max(Duration::from_millis(100));
        base.saturating_mul(1 << attempt.min(10))
            .min(Duration::from_secs(60))
    }
}

/// Works through the frontier of one host until it is empty (or the crawl stops).
async fn host_worker(ctx: Arc<Ctx>, key: String) {
    let host = ctx.host(&key);
    loop {
        let stop = ctx.stopping();
        let (k, budget) = (key.clone(), ctx.clone());
        let job = ctx
            .db
            .call(move |db| {
                let job = if stop { None } else { db.state.next_job(&k)? };
                let job = job.filter(|_| budget.take_budget());
                if job.is_none() {
                    db.active.remove(&k);
                }
                Ok(job)
            })
            .await;
        match job {
            Ok(Some(job)) => {
                if let Err(e) = process(&ctx, &host, job).await {
                    ctx.fail(e);
                }
            }
            Ok(None) => return,
            Err(e) => {
                ctx.fail(e);
                return;
            }
        }
    }
}

/// Fetches one URL and records what came of it. Only a failure of the crawl state is an error:
/// anything else that goes wrong is recorded on the URL.
async fn process(ctx: &Arc<Ctx>, host: &Host, mut job: Job) -> anyhow::Result<()> {
    let url = match &job.request {
        Some(request) => Ok(request.url.clone()),
        None => Url::parse(&job.url),
    };
    let (mut record, links, permit) = match url {
        Ok(url) => visit(ctx, host, &mut job, &url).await?,
        Err(e) => (
            error_record("url", format!("not a URL: {e}")),
            Vec::new(),
            None,
        ),
    };
    let max_pages = ctx.config.max_listing_pages;
    if links.iter().any(|t| t.listing_page > max_pages) {
        record.bound = Some(Bound::ListingPages);
    }
    let redirect = record.kind == UrlKind::Redirect;
    let mut queued = Vec::new();
    for mut target in links.into_iter().filter(|t| t.listing_page <= max_pages) {
        target.url = normalize(&target.url);
        match ctx.scope.admit(&target.url) {
            Some(host) => queued.push(Queued {
                host,
                target,
                referrer: Some(job.id),
            }),
            // Navigation off the site is not worth a trace; a report, an attachment or where
            // the page moved to are.
            None if redirect || target.prio == 0 || target.hint == Hint::Attachment => {
                if redirect && job.depth == 0 {
                    warn!(from = %job.url, to = %target.url, "a start URL redirects to a host outside the crawl");
                }
                record.offsite.push(OffsiteLink {
                    url: target.url.to_string(),
                    title: (!target.title.is_empty()).then_some(target.title),
                    redirect,
                });
            }
            None => {}
        }
    }
    let links = queued;
    let failed = record.error.is_some() && record.kind != UrlKind::Disallowed;
    let kind = record.kind;
    let run = ctx.run;
    let max_urls = ctx.config.max_urls_per_host;
    let (recorded, start) = ctx
        .db
        .call(move |db| {
            let recorded = db.state.record(run, &job, &record, &links, max_urls)?;
            let start: Vec<String> = recorded
                .hosts
                .iter()
                .filter(|h| db.active.insert((*h).clone()))
                .cloned()
                .collect();
            Ok((recorded, start))
        })
        .await?;
    drop(permit);
    for host in start {
        // The receiver lives until every worker has ended, so this cannot fail while one runs.
        let _ = ctx.spawn_tx.send(host);
    }
    if let Some(change) = recorded.document {
        info!(change, kind = kind.name(), "document");
    }
    ctx.observer.url_done(kind, failed, recorded.queued);
    Ok(())
}

/// Checks robots.txt, fetches `url` and reads the answer: the record, the links to follow, and
/// the request permit to hold until the record is written.
async fn visit<'c>(
    ctx: &'c Arc<Ctx>,
    host: &Host,
    job: &mut Job,
    url: &Url,
) -> anyhow::Result<(Record, Vec<Target>, Option<SemaphorePermit<'c>>)> {
    let robots = robots_for(ctx, host, url).await?;
    match &*robots {
        Robots::Unreachable(e) => {
            return Ok((error_record(e.kind(), e.message()), Vec::new(), None));
        }
        Robots::Unavailable(status) => {
            let message =
                format!("robots.txt answered {status}: the site is off limits until it answers");
            return Ok((error_record("robots", message), Vec::new(), None));
        }
        Robots::AllowAll | Robots::Rules(_) => {}
    }
    if !robots.allowed(url.as_str()) {
        debug!(url = %url, "disallowed by robots.txt");
        let mut record = error_record("robots", "disallowed by robots.txt".into());
        record.kind = UrlKind::Disallowed;
        return Ok((record, Vec::new(), None));
    }
    // A stored copy that has gone missing from the raw store is fetched again in full.
    if job
        .held
        .as_ref()
        .is_some_and(|held| !ctx.dir.join(&held.path).is_file())
    {
        warn!(url = %url, "the stored copy is missing from the raw store; fetching it again");
        job.held = None;
    }
    let validators = job
        .held
        .as_ref()
        .map(|h| h.validators.clone())
        .unwrap_or_default();
    let fetched = fetch_politely(ctx, host, url, &validators, job.request.as_ref()).await;
    let work = ctx.work_permits.acquire().await?;
    let (mut record, links) = match fetched.result {
        Ok(response) => match read_response(ctx, job, url, response).await {
            Ok(read) => read,
            Err(e) => {
                // A raw-store read or write failed, or (a bug) reading the page did.
                let is_io = e.chain().any(|cause| cause.is::<std::io::Error>());
                let kind = if is_io { "store" } else { "read" };
                (error_record(kind, format!("{e:#}")), Vec::new())
            }
        },
        Err(e) => (error_record(e.kind(), e.message()), Vec::new()),
    };
    drop(work);
    record.attempts = fetched.attempts;
    Ok((record, links, fetched.permit))
}

fn error_record(kind: &str, message: String) -> Record {
    Record {
        kind: UrlKind::Error,
        error: Some((kind.into(), message)),
        ..Record::default()
    }
}

/// The outcome of [`fetch_politely`].
struct Fetched<'c> {
    /// The last answer or error.
    result: Result<Response, FetchError>,
    /// Requests made (retries included).
    attempts: u32,
    /// The request permit of the last request, held while its body is in memory.
    permit: Option<SemaphorePermit<'c>>,
}

/// How long a request waits for file descriptors to be freed before it fails.
const EXHAUSTED_PATIENCE: u32 = 60;

/// Fetches `url` (a GET, or `list`'s request when there is one) through the host's gate, retrying
/// transient failures with bounded exponential backoff (or the server's `Retry-After`). A request
/// that finds the process out of file descriptors is tried again a second later, without counting
/// as an attempt.
async fn fetch_politely<'c>(
    ctx: &'c Ctx,
    host: &Host,
    url: &Url,
    validators: &Validators,
    list: Option<&ListRequest>,
) -> Fetched<'c> {
    let mut attempt = 0;
    let mut exhausted = 0;
    loop {
        attempt += 1;
        let mut pacer = host.gate.lock().await;
        tokio::time::sleep_until(pacer.next).await;
        let permit = ctx.jobs.acquire().await.ok();
        let result = match list {
            Some(list) => {
                debug!(url = %url, attempt, adapter = list.adapter.as_str(), page = list.page, "{}", list.method.as_str());
                ctx.fetcher.list(list).await
            }
            None => {
                debug!(url = %url, attempt, "GET");
                ctx.fetcher.get(url, validators).await
            }
        };
        // The delay runs from the end of this answer (body included) to the next request.
        pacer.next = Instant::now() + pacer.delay;
        if let Err(FetchError::Exhausted(message)) = &result {
            exhausted += 1;
            if exhausted <= EXHAUSTED_PATIENCE {
                warn!(url = %url, "{message}; waiting for descriptors (lower --jobs?)");
                attempt -= 1;
                drop(permit);
                pacer.next = Instant::now() + Duration::from_secs(1);
                continue;
            }
        }
        let wait = match &result {
            Ok(r) if r.status == 429 || r.status == 503 => Some(r.retry_after.map_or_else(
                || ctx.backoff(attempt),
                |w| w.min(ctx.config.max_retry_after),
            )),
            Ok(r) if r.status >= 500 => Some(ctx.backoff(attempt)),
            Err(e) if e.is_transient() => Some(ctx.backoff(attempt)),
            _ => None,
        };
        match wait {
            Some(wait) if attempt <= ctx.config.max_retries => {
                let until = Instant::now() + wait;
                pacer.next = pacer.next.max(until);
                ctx.observer.host_delay(&host.key, wait.max(pacer.delay));
                debug!(url = %url, ?wait, "retrying later");
            }
            _ => {
                ctx.observer.host_delay(&host.key, pacer.delay);
                return Fetched {
                    result,
                    attempts: attempt,
                    permit,
                };
            }
        }
    }
}

/// The robots.txt rules for the origin of `url`, read (again) when there are none yet or they
/// have expired.
async fn robots_for(ctx: &Ctx, host: &Host, url: &Url) -> anyhow::Result<Arc<Robots>> {
    let origin = url.origin().ascii_serialization();
    let mut cache = host.robots.lock().await;
    if let Some((robots, expires)) = cache.get(&origin) {
        if Instant::now() < *expires {
            return Ok(robots.clone());
        }
    }
    let robots = Arc::new(fetch_robots(ctx, host, url).await?);
    if let Some(crawl_delay) = robots.crawl_delay() {
        let mut pacer = host.gate.lock().await;
        pacer.delay = pacer.delay.max(crawl_delay);
    }
    cache.insert(origin, (robots.clone(), Instant::now() + robots.lifetime()));
    Ok(robots)
}

/// Most redirects followed to reach a robots.txt (RFC 9309: at least five).
const MAX_ROBOTS_REDIRECTS: u32 = 5;

/// Reads robots.txt for the origin of `url`, following up to five redirects, to any host (each
/// hop through its host's gate): the only requests the crawl makes outside its scope. Fails only
/// when the process is out of file descriptors, which says nothing about the host.
async fn fetch_robots(ctx: &Ctx, host: &Host, url: &Url) -> anyhow::Result<Robots> {
    let mut robots_url = match url.join("/robots.txt") {
        Ok(u) => u,
        Err(_) => return Ok(Robots::AllowAll),
    };
    let mut redirects = 0;
    loop {
        let gate = ctx.host(&host_key(&robots_url).unwrap_or_else(|| host.key.clone()));
        // The permit is held (with the body) until the rules are parsed.
        let Fetched { result, permit, .. } =
            fetch_politely(ctx, &gate, &robots_url, &Validators::default(), None).await;
        let _permit = permit;
        return Ok(match result {
            Ok(r) => match r.location.filter(|_| (300..400).contains(&r.status)) {
                Some(next) if redirects < MAX_ROBOTS_REDIRECTS && host_key(&next).is_some() => {
                    debug!(from = %robots_url, to = %next, "robots.txt redirects");
                    redirects += 1;
                    robots_url = next;
                    continue;
                }
                // Too many redirects: as if robots.txt were not there (RFC 9309, 2.3.1.2).
                Some(_) => Robots::AllowAll,
                None => Robots::from_response(r.status, &r.body, &ctx.robots_agent),
            },
            Err(FetchError::Exhausted(message)) => {
                anyhow::bail!("out of file descriptors ({message}): lower --jobs")
            }
            Err(e) => {
                info!(host = %host.key, "robots.txt unreachable ({e}); skipping the host's URLs for now");
                Robots::Unreachable(e)
            }
        });
    }
}

/// Turns an HTTP answer into a record and the links to follow. Fails when a stored copy cannot
/// be written or read back.
async fn read_response(
    ctx: &Arc<Ctx>,
    job: &Job,
    url: &Url,
    response: Response,
) -> anyhow::Result<(Record, Vec<Target>)> {
    let status = response.status;
    let base = Record {
        status: Some(status),
        final_url: Some(url.to_string()),
        content_type: response.content_type.clone(),
        validators: response.validators.clone(),
        tls: response.tls,
        chain_from_aia: response.chain_from_aia,
        ..Record::default()
    };
    match status {
        200..=299 => {
            let ctx2 = ctx.clone();
            let job2 = job.clone();
            let url2 = url.clone();
            tokio::task::spawn_blocking(move || read_body(&ctx2, &job2, &url2, response.body, base))
                .await?
        }
        304 => {
            let Some(held) = &job.held else {
                let record = Record {
                    kind: UrlKind::Error,
                    error: Some((
                        "http".into(),
                        "304 Not Modified to a request that was not conditional".into(),
                    )),
                    ..base
                };
                return Ok((record, Vec::new()));
            };
            let mut record = Record {
                kind: held.kind.into(),
                content_type: held.content_type.clone(),
                ..base
            };
            record.validators = Validators {
                etag: response.validators.etag.or(held.validators.etag.clone()),
                last_modified: response
                    .validators
                    .last_modified
                    .or(held.validators.last_modified.clone()),
            };
            let mut links = Vec::new();
            if held.kind == DocumentKind::Report {
                let (ctx2, path, url2, depth) =
                    (ctx.clone(), held.path.clone(), url.clone(), job.depth);
                let content_type = held.content_type.clone();
                links = tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<Target>> {
                    let bytes = ctx2.store.read(&path).map_err(|e| {
                        anyhow::Error::new(e).context(format!("reading the stored copy {path}"))
                    })?;
                    let page = crate::page::parse(
                        &decode_http(&bytes, content_type.as_deref()).text,
                        &url2,
                    );
                    Ok(report_targets(&page, depth))
                })
                .await??;
            }
            Ok((record, links))
        }
        300..=399 => match response.location {
            Some(location) => Ok(redirect(job, location, base)),
            None => {
                let record = Record {
                    kind: UrlKind::Redirect,
                    final_url: None,
                    error: Some(("http".into(), format!("{status} without Location"))),
                    ..base
                };
                Ok((record, Vec::new()))
            }
        },
        _ => {
            let reason = reqwest::StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("error");
            let error = Some((status.to_string(), format!("HTTP {status} {reason}")));
            Ok((
                Record {
                    kind: UrlKind::Error,
                    error,
                    ..base
                },
                Vec::new(),
            ))
        }
    }
}

/// The record of a redirect (an HTTP one, or a refresh stub) to `location`, and its target
/// (none past [`MAX_REDIRECTS`] in a row).
fn redirect(job: &Job, location: Url, base: Record) -> (Record, Vec<Target>) {
    let mut record = Record {
        kind: UrlKind::Redirect,
        final_url: Some(location.to_string()),
        ..base
    };
    if job.redirects >= MAX_REDIRECTS {
        record.error = Some((
            "redirects".into(),
            format!("more than {MAX_REDIRECTS} redirects in a row"),
        ));
        record.bound = Some(Bound::Redirects);
        return (record, Vec::new());
    }
    let target = Target {
        url: location,
        title: job.referrer_title.clone().unwrap_or_default(),
        hint: job.hint,
        prio: 0,
        depth: job.depth,
        listing_page: job.listing_page,
        redirects: job.redirects + 1,
        request: None,
    };
    (record, vec![target])
}

/// Stores `bytes` (on a blocking thread), waiting up to [`EXHAUSTED_PATIENCE`] seconds while the
/// process is out of file descriptors: that is the crawl's own doing, not the URL's.
fn put_patiently(store: &RawStore, bytes: &[u8], ext: &str) -> std::io::Result<Stored> {
    let mut waited = 0;
    loop {
        match store.put(bytes, ext) {
            Err(e) if is_out_of_descriptors(&e) && waited < EXHAUSTED_PATIENCE => {
                waited += 1;
                std::thread::sleep(Duration::from_secs(1));
            }
            result => return result,
        }
    }
}

/// Reads a 2xx body (on a blocking thread): an attachment is stored; an HTML page is decoded and
/// parsed, stored if it is a report, and mined for links.
fn read_body(
    ctx: &Ctx,
    job: &Job,
    url: &Url,
    body: Vec<u8>,
    base: Record,
) -> anyhow::Result<(Record, Vec<Target>)> {
    let content_type = base.content_type.as_deref();
    if let Some(request) = &job.request {
        // JSON and XML answers are UTF-8 in practice; the page's decoding rules serve.
        let text = decode_http(&body, content_type).text;
        return Ok(list_answer(ctx, job, request, &text, base));
    }
    let sniffed = sniff_document(&body);
    if sniffed.is_some() || !is_html(content_type) {
        let ext = attachment_ext(url.as_str())
            .or_else(|| job.referrer_title.as_deref().and_then(attachment_ext))
            .or_else(|| content_type.and_then(ext_for_content_type))
            .or(sniffed);
        let keep = job.hint == Hint::Attachment || ext.is_some();
        let Some(ext) = ext.filter(|_| keep) else {
            return Ok((
                Record {
                    kind: UrlKind::Other,
                    ..base
                },
                Vec::new(),
            ));
        };
        let stored = put_patiently(&ctx.store, &body, ext)?;
        return Ok((
            Record {
                kind: UrlKind::Attachment,
                bytes: body.len() as u64,
                stored: Some(stored),
                ..base
            },
            Vec::new(),
        ));
    }
    let decoded = decode_http(&body, content_type);
    let mut page = crate::page::parse(&decoded.text, url);
    let title = page.title.clone();
    if is_removed_page(base.status.unwrap_or(200), &title, &decoded.text) {
        debug!(url = %url, "a removed page (soft 404 or refresh stub)");
        let record = Record {
            kind: UrlKind::Removed,
            title: Some(title),
            ..base
        };
        return Ok((record, Vec::new()));
    }
    // A stub without links whose refresh sends the visitor to another page (not the root nor an
    // error page: that is a removed page) is a redirect.
    if let Some(location) =
        meta_refresh(&decoded.text, url).filter(|location| page.links.is_empty() && location != url)
    {
        debug!(url = %url, to = %location, "a refresh stub");
        return Ok(redirect(job, location, base));
    }
    if is_report_page(&page) {
        let stored = put_patiently(&ctx.store, &body, "html")?;
        let record = Record {
            kind: UrlKind::Report,
            title: Some(title),
            encoding: Some(decoded.encoding.to_string()),
            bytes: body.len() as u64,
            stored: Some(stored),
            ..base
        };
        return Ok((record, report_targets(&page, job.depth)));
    }
    let detected = listing::detect(url, &decoded.text);
    let mut requests = Vec::new();
    if let Some((adapter, list)) = &detected {
        info!(url = %url, adapter = adapter.as_str(), items = list.items.len(), requests = list.next.len(), "CMS listing");
        add_items(&mut page, &list.items);
        requests = request_targets(&list.next, &title, job, 1);
    }
    let mut targets = listing_targets(
        &page,
        url,
        job.depth,
        job.listing_page,
        ctx.config.max_depth,
    );
    prefer_report_columns(
        &mut targets,
        url,
        &decoded.text,
        job.depth,
        ctx.config.max_depth,
    );
    // The requests first: a TRS page met both as a request and as a generated page is queued
    // once, as the request (so the adapter reads it).
    requests.append(&mut targets);
    Ok((
        Record {
            kind: UrlKind::Listing,
            title: Some(title),
            adapter: detected.map(|(adapter, _)| adapter),
            ..base
        },
        requests,
    ))
}

/// Reads the answer to a list request: its items go through discovery as links of the column
/// page (whose title the request carries), its further requests are queued. An HTML answer (a
/// TRS page, a Hanweb column page, a fragment) is also a page whose own links are discovered as
/// any listing's, so an item the adapter does not know is still found. A listing: nothing is
/// stored.
fn list_answer(
    ctx: &Ctx,
    job: &Job,
    request: &ListRequest,
    text: &str,
    base: Record,
) -> (Record, Vec<Target>) {
    let list = listing::parse(request, text);
    info!(url = %request.url, adapter = request.adapter.as_str(), page = request.page, items = list.items.len(), requests = list.next.len(), "list answer");
    let title = job.referrer_title.clone().unwrap_or_default();
    let (mut page, page_url) = if is_html(base.content_type.as_deref()) {
        (crate::page::parse(text, &request.url), &request.url)
    } else {
        (Page::default(), &request.column)
    };
    if page.title.is_empty() {
        page.title = title.clone();
    }
    add_items(&mut page, &list.items);
    let mut targets = request_targets(&list.next, &title, job, request.page);
    targets.extend(listing_targets(
        &page,
        page_url,
        job.depth,
        job.listing_page,
        ctx.config.max_depth,
    ));
    let record = Record {
        kind: UrlKind::Listing,
        adapter: Some(request.adapter),
        ..base
    };
    (record, targets)
}

/// Adds a listing's items to a page's links (as `Link { url, text: title }`), each once.
fn add_items(page: &mut Page, items: &[ListItem]) {
    for item in items {
        if !page.links.iter().any(|l| l.url == item.url) {
            page.links.push(Link {
                url: item.url.clone(),
                text: item.title.clone(),
            });
        }
    }
}

/// The targets of a listing's further requests, met on `job` (which is page `current` of its
/// listing): pagination, at the column's depth, each as many listing pages further as its page
/// number is past `current`.
fn request_targets(next: &[ListRequest], title: &str, job: &Job, current: u32) -> Vec<Target> {
    next.iter()
        .map(|request| Target {
            url: request.url.clone(),
            title: title.to_string(),
            hint: Hint::Page,
            prio: 1,
            depth: job.depth,
            listing_page: job.listing_page + request.page.saturating_sub(current).max(1),
            redirects: 0,
            request: Some(request.clone()),
        })
        .collect()
}

/// Puts the report columns of a page (政府信息公开年报, 部门 and 乡镇 年报) before its other
/// navigation, adding those discovery left out while the depth allows.
fn prefer_report_columns(
    targets: &mut Vec<Target>,
    url: &Url,
    html: &str,
    depth: u32,
    max_depth: u32,
) {
    for column in listing::columns::report_columns(url, html) {
        let prio = if column.kind == ColumnKind::Disclosure {
            2
        } else {
            1
        };
        match targets.iter_mut().find(|t| t.url == column.url) {
            Some(target) => target.prio = target.prio.min(prio),
            None if depth < max_depth => targets.push(Target {
                url: column.url,
                title: column.text,
                hint: Hint::Page,
                prio,
                depth: depth + 1,
                listing_page: 0,
                redirects: 0,
                request: None,
            }),
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::Silent;
    use std::sync::atomic::AtomicUsize;

    /// Requests in flight now and at most, and every request in arrival order (`ip path`), over
    /// every test server.
    #[derive(Default)]
    struct InFlight {
        now: AtomicUsize,
        most: AtomicUsize,
        order: Mutex<Vec<String>>,
    }

    /// A slow host on `ip`: robots.txt is a 404, `/` lists `reports` report PDFs; every answer
    /// takes 20 ms.
    async fn slow_host(ip: &str, reports: usize, in_flight: Arc<InFlight>) -> Url {
        let name = ip.to_string();
        let app = axum::Router::new().fallback(move |uri: axum::http::Uri| {
            let in_flight = in_flight.clone();
            let name = name.clone();
            async move {
                let now = in_flight.now.fetch_add(1, Ordering::SeqCst) + 1;
                in_flight.most.fetch_max(now, Ordering::SeqCst);
                in_flight.order.lock().unwrap().push(format!("{name} {}", uri.path()));
                tokio::time::sleep(Duration::from_millis(20)).await;
                in_flight.now.fetch_sub(1, Ordering::SeqCst);
                let (status, content_type, body) = match uri.path() {
                    "/" => (
                        200,
                        "text/html",
                        (0..reports)
                            .map(|i| format!("<a href=/{i}.pdf>2023年第{i}号政府信息公开工作年度报告.pdf</a>"))
                            .collect(),
                    ),
                    p if p.ends_with(".pdf") => (200, "application/pdf", "%PDF-1.4".to_string()),
                    _ => (404, "text/html", String::new()),
                };
                (
                    axum::http::StatusCode::from_u16(status).unwrap(),
                    [("content-type", content_type)],
                    body,
                )
            }
        });
        let listener = tokio::net::TcpListener::bind((ip, 0)).await.unwrap();
        let url = Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        url
    }

    fn config(jobs: usize) -> Config {
        Config {
            delay: Duration::ZERO,
            max_depth: 2,
            max_listing_pages: 10,
            max_urls_per_host: 100,
            max_pages: None,
            max_retries: 0,
            max_retry_after: Duration::from_secs(1),
            allow_hosts: Vec::new(),
            jobs,
            http: FetcherOptions {
                user_agent: "nianbao-test".into(),
                connect_timeout: Duration::from_secs(5),
                timeout: Duration::from_secs(5),
                max_body_bytes: 1 << 20,
                tls: crate::tls::TlsMode::Strict,
                ca_files: Vec::new(),
            },
        }
    }

    #[test]
    fn report_columns_come_before_other_navigation() {
        let url = Url::parse("http://a.gov.cn/").unwrap();
        let html = r#"<title>某县人民政府</title><a href="/zwgk/">政务公开</a>
            <a href="/xxgk/xznb/">乡镇（街道）年报</a><a href="/zwgk/bmnb/">部门年报</a>
            <a href="/zwgk/zfxxgknb/">政府信息公开年报</a><a href="/xwzx/">新闻中心</a>"#;
        let page = crate::page::parse(html, &url);
        let mut targets = listing_targets(&page, &url, 0, 0, 3);
        prefer_report_columns(&mut targets, &url, html, 0, 3);
        let prio = |path: &str| {
            targets
                .iter()
                .find(|t| t.url.path() == path)
                .map(|t| t.prio)
        };
        assert_eq!(prio("/zwgk/zfxxgknb/"), Some(1));
        assert_eq!(prio("/zwgk/bmnb/"), Some(1));
        assert_eq!(prio("/xxgk/xznb/"), Some(1));
        assert_eq!(prio("/zwgk/"), Some(2));
        assert_eq!(prio("/xwzx/"), None);
        // At the depth limit, navigation is not followed, report columns included.
        let mut deep = Vec::new();
        prefer_report_columns(&mut deep, &url, html, 3, 3);
        assert!(deep.is_empty());
    }

    #[test]
    fn list_requests_are_pagination_pages_further_from_the_column() {
        use crate::listing::{AdapterName, Method};
        let column = Url::parse("http://a.gov.cn/col/").unwrap();
        let request = |page: u32| ListRequest {
            adapter: AdapterName::Anhui,
            method: Method::Get,
            url: Url::parse(&format!("http://a.gov.cn/site/label/8888?pageIndex={page}")).unwrap(),
            form: Vec::new(),
            page,
            column: column.clone(),
        };
        let job = Job {
            id: 1,
            url: column.to_string(),
            host: "a.gov.cn".into(),
            depth: 2,
            listing_page: 1,
            redirects: 0,
            hint: Hint::Page,
            referrer_title: None,
            held: None,
            request: None,
        };
        let from_column = request_targets(&[request(2), request(3)], "年报", &job, 1);
        let hops: Vec<(u32, u32, i64)> = from_column
            .iter()
            .map(|t| (t.depth, t.listing_page, t.prio))
            .collect();
        assert_eq!(hops, [(2, 2, 1), (2, 3, 1)]);
        assert_eq!(from_column[0].request, Some(request(2)));
        // An answer to page 3 asking for page 4: one page further.
        let answer = Job {
            listing_page: 3,
            request: Some(request(3)),
            ..job
        };
        let next = request_targets(&[request(4)], "年报", &answer, 3);
        assert_eq!(next[0].listing_page, 4);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn jobs_bound_the_requests_in_flight_over_all_hosts() {
        let in_flight = Arc::new(InFlight::default());
        let mut seeds = Vec::new();
        for i in 20..26 {
            seeds.push(slow_host(&format!("127.0.0.{i}"), 0, in_flight.clone()).await);
        }
        let dir = tempfile::tempdir().unwrap();
        let report = crawl(dir.path(), &seeds, config(2), Arc::new(Silent))
            .await
            .unwrap();
        assert!(report.finished);
        assert_eq!(report.counts.failed, 0);
        assert_eq!(in_flight.order.lock().unwrap().len(), 12);
        assert_eq!(
            in_flight.most.load(Ordering::SeqCst),
            2,
            "two hosts at once, never more"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn hosts_take_turns_for_the_permits() {
        let in_flight = Arc::new(InFlight::default());
        let big = slow_host("127.0.0.30", 30, in_flight.clone()).await;
        let small = slow_host("127.0.0.31", 1, in_flight.clone()).await;
        let dir = tempfile::tempdir().unwrap();
        let report = crawl(dir.path(), &[big, small], config(1), Arc::new(Silent))
            .await
            .unwrap();
        assert_eq!(report.documents.len(), 31);
        let order = in_flight.order.lock().unwrap().clone();
        assert_eq!(in_flight.most.load(Ordering::SeqCst), 1);
        // With one permit, the small host's requests are not queued behind the big host's 30.
        let last_small = order
            .iter()
            .rposition(|r| r.starts_with("127.0.0.31 "))
            .unwrap();
        assert!(last_small < 10, "{order:?}");
    }
}
