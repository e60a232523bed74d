//! The crawl state: one SQLite file, `crawl.sqlite`, in the crawl folder.
//!
//! * `runs`: one row per crawl run. A run that did not finish (killed, or stopped by
//!   `--max-pages`) is resumed by the next invocation; a finished one makes the next a new run.
//! * `urls`: every URL the crawl has queued, with its frontier flag (`pending`), what it turned
//!   out to be (`kind`), the last status or error, the final URL after a redirect, the validators
//!   (ETag, Last-Modified) and hash of the copy held, the TLS stack that carried the last answer
//!   (`tls`: `rustls`, or `openssl` for a host reached under `--tls legacy`; `chain_from_aia`: 1
//!   when the server's certificate chain was completed from its AIA URL), and where it was
//!   first linked from (the linking page's row and the link text or page title).
//! * `documents`: each version of a stored report or attachment (unique per URL and hash).
//!
//! A URL is in the frontier of run R when `pending = 1`; when it is seen again in a later run it is
//! queued again once. Each fetch is recorded in one transaction, together with the links it
//! yielded, so a crash loses at most the requests in flight, which the next invocation repeats.

use std::path::Path;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension};

use crate::discover::{Hint, Target};
use crate::http::Validators;
use crate::listing::{AdapterName, ListRequest, Method};
use crate::tls::TlsBackend;
use nianbao_store::raw::Stored;
use nianbao_store::DocumentKind;
pub use nianbao_store::STATE_FILE;

/// What a fetched URL turned out to be (the `kind` column of `urls`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UrlKind {
    /// A report page (stored).
    Report,
    /// An attachment of a report (stored).
    Attachment,
    /// A listing or navigation page (followed, not stored).
    Listing,
    /// Something neither stored nor followed.
    #[default]
    Other,
    /// A redirect (its target is queued).
    Redirect,
    /// Disallowed by robots.txt (no request made).
    Disallowed,
    /// The fetch failed (see the error columns).
    Error,
    /// Gone although the server answered: a soft 404 (“页面不存在” with a 200) or a refresh stub
    /// to the site root or an error page (neither stored nor followed).
    Removed,
}

impl UrlKind {
    const ALL: [UrlKind; 8] = [
        UrlKind::Report,
        UrlKind::Attachment,
        UrlKind::Listing,
        UrlKind::Other,
        UrlKind::Redirect,
        UrlKind::Disallowed,
        UrlKind::Error,
        UrlKind::Removed,
    ];

    /// The name stored in the crawl state.
    pub fn name(self) -> &'static str {
        match self {
            UrlKind::Report => "report",
            UrlKind::Attachment => "attachment",
            UrlKind::Listing => "listing",
            UrlKind::Other => "other",
            UrlKind::Redirect => "redirect",
            UrlKind::Disallowed => "disallowed",
            UrlKind::Error => "error",
            UrlKind::Removed => "removed",
        }
    }

    /// The kind a stored name stands for.
    pub fn from_name(name: &str) -> Option<UrlKind> {
        UrlKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

impl From<DocumentKind> for UrlKind {
    fn from(kind: DocumentKind) -> UrlKind {
        match kind {
            DocumentKind::Report => UrlKind::Report,
            DocumentKind::Attachment => UrlKind::Attachment,
        }
    }
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS runs(
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE TABLE IF NOT EXISTS urls(
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    host TEXT NOT NULL,
    pending INTEGER NOT NULL,
    prio INTEGER NOT NULL,
    depth INTEGER NOT NULL,
    hint TEXT NOT NULL,
    referrer INTEGER REFERENCES urls(id),
    referrer_title TEXT,
    run_seen INTEGER NOT NULL,
    run_done INTEGER NOT NULL DEFAULT 0,
    kind TEXT,
    status INTEGER,
    error_kind TEXT,
    error TEXT,
    final_url TEXT,
    content_type TEXT,
    title TEXT,
    etag TEXT,
    last_modified TEXT,
    sha256 TEXT,
    attempts INTEGER,
    checked_at TEXT,
    listing_page INTEGER NOT NULL DEFAULT 0,
    redirects INTEGER NOT NULL DEFAULT 0,
    request TEXT,
    adapter TEXT,
    tls TEXT,
    chain_from_aia INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS frontier ON urls(host, prio, id) WHERE pending = 1;
CREATE TABLE IF NOT EXISTS documents(
    id INTEGER PRIMARY KEY,
    url_id INTEGER NOT NULL REFERENCES urls(id),
    sha256 TEXT NOT NULL,
    path TEXT NOT NULL,
    kind TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    run INTEGER NOT NULL,
    content_type TEXT,
    encoding TEXT,
    title TEXT,
    bytes INTEGER NOT NULL,
    UNIQUE(url_id, sha256)
);
CREATE INDEX IF NOT EXISTS documents_run ON documents(run);
CREATE TABLE IF NOT EXISTS offsite(
    run INTEGER NOT NULL,
    url TEXT NOT NULL,
    referrer INTEGER NOT NULL REFERENCES urls(id),
    title TEXT,
    redirect INTEGER NOT NULL,
    PRIMARY KEY(run, url)
);
CREATE TABLE IF NOT EXISTS bounds(
    run INTEGER NOT NULL,
    host TEXT NOT NULL,
    bound TEXT NOT NULL,
    PRIMARY KEY(run, host, bound)
);
";

/// Columns added to `urls` after its first version, added to older crawl folders on open.
const ADDED_URL_COLUMNS: [(&str, &str); 6] = [
    ("listing_page", "INTEGER NOT NULL DEFAULT 0"),
    ("redirects", "INTEGER NOT NULL DEFAULT 0"),
    ("request", "TEXT"),
    ("adapter", "TEXT"),
    ("tls", "TEXT"),
    ("chain_from_aia", "INTEGER NOT NULL DEFAULT 0"),
];

/// A limit that keeps a crawl out of a trap; a host that reaches one is named in the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// A listing was paged further than `--max-listing-pages`.
    ListingPages,
    /// The host had `--max-urls-per-host` URLs queued in the run.
    UrlsPerHost,
    /// A URL redirected more than [`crate::crawl::MAX_REDIRECTS`] times in a row.
    Redirects,
}

impl Bound {
    const ALL: [Bound; 3] = [Bound::ListingPages, Bound::UrlsPerHost, Bound::Redirects];

    /// The name stored in the crawl state and shown in the summary.
    pub fn name(self) -> &'static str {
        match self {
            Bound::ListingPages => "listing pages",
            Bound::UrlsPerHost => "URLs per host",
            Bound::Redirects => "redirects",
        }
    }

    fn from_name(name: &str) -> Option<Bound> {
        Bound::ALL.into_iter().find(|b| b.name() == name)
    }
}

/// The crawl state of one crawl folder.
pub struct State {
    conn: Connection,
    /// URLs queued per host in a run (loaded from the database on first use).
    queued_per_host: std::collections::HashMap<(i64, String), u64>,
}

/// A URL taken from the frontier.
#[derive(Debug, Clone)]
pub struct Job {
    /// Row id.
    pub id: i64,
    /// The URL.
    pub url: String,
    /// Its host key.
    pub host: String,
    /// Navigation hops from a start URL.
    pub depth: u32,
    /// Pagination hops from the first page of its listing.
    pub listing_page: u32,
    /// Redirects followed to reach it.
    pub redirects: u32,
    /// What the link promised.
    pub hint: Hint,
    /// Link text or title of the linking page.
    pub referrer_title: Option<String>,
    /// The copy held from an earlier run, if any.
    pub held: Option<Held>,
    /// The list request this row stands for (then `url` is its [`ListRequest::key`]).
    pub request: Option<ListRequest>,
}

/// A stored copy of a URL, revalidated with a conditional request.
#[derive(Debug, Clone)]
pub struct Held {
    /// Its validators.
    pub validators: Validators,
    /// A report or an attachment.
    pub kind: DocumentKind,
    /// Where its bytes are (relative to the crawl folder).
    pub path: String,
    /// Its `Content-Type`.
    pub content_type: Option<String>,
}

/// What one fetch found out about its URL.
#[derive(Debug, Clone, Default)]
pub struct Record {
    /// What the URL turned out to be.
    pub kind: UrlKind,
    /// HTTP status, when there was an answer.
    pub status: Option<u16>,
    /// Error kind and message, when it failed.
    pub error: Option<(String, String)>,
    /// Where a redirect pointed (or the URL itself).
    pub final_url: Option<String>,
    /// `Content-Type`.
    pub content_type: Option<String>,
    /// Title of an HTML page.
    pub title: Option<String>,
    /// Validators of the answer.
    pub validators: Validators,
    /// Encoding of an HTML page.
    pub encoding: Option<String>,
    /// The bytes kept in the raw store (reports and attachments).
    pub stored: Option<Stored>,
    /// Stored bytes length.
    pub bytes: u64,
    /// Requests spent (retries included).
    pub attempts: u32,
    /// A bound this fetch reached (links left out, or a redirect not followed).
    pub bound: Option<Bound>,
    /// Report and attachment links (or a redirect) to hosts outside the crawl's scope.
    pub offsite: Vec<OffsiteLink>,
    /// The CMS adapter that read this listing page or list answer.
    pub adapter: Option<AdapterName>,
    /// The TLS stack that carried the answer (`None` over plain HTTP, or without an answer).
    pub tls: Option<TlsBackend>,
    /// Whether the server's certificate chain was completed from its AIA URL.
    pub chain_from_aia: bool,
}

/// A link the crawl found but may not follow: its host is outside the scope.
#[derive(Debug, Clone)]
pub struct OffsiteLink {
    /// Where it points.
    pub url: String,
    /// Its link text.
    pub title: Option<String>,
    /// Whether it is where the page redirected to.
    pub redirect: bool,
}

/// A start URL that redirected to a host outside the scope.
#[derive(Debug, Clone)]
pub struct SeedRedirect {
    /// The start URL.
    pub seed: String,
    /// Where it redirected to.
    pub target: String,
}

/// A link to queue, with its host key.
#[derive(Debug, Clone)]
pub struct Queued {
    /// The host key (`host:port`).
    pub host: String,
    /// The link.
    pub target: Target,
    /// The row id of the page it was found on.
    pub referrer: Option<i64>,
}

/// What recording a fetch changed.
#[derive(Debug, Clone, Default)]
pub struct Recorded {
    /// Hosts that got newly pending URLs.
    pub hosts: Vec<String>,
    /// How many URLs were newly queued.
    pub queued: u64,
    /// `new` or `changed` when a document version was added.
    pub document: Option<&'static str>,
}

/// One document version of a run, for the end-of-run listing.
#[derive(Debug, Clone)]
pub struct RunDocument {
    /// `new` or `changed`.
    pub change: &'static str,
    /// A report or an attachment.
    pub kind: DocumentKind,
    /// The URL.
    pub url: String,
    /// Relative path in the crawl folder.
    pub path: String,
    /// Link text or title.
    pub title: Option<String>,
}

/// What a run found on one site (host key), for the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteSummary {
    /// The host key.
    pub host: String,
    /// Listing pages and list answers read.
    pub listings: u64,
    /// The CMS adapters that served its listings, with the listing pages and answers each read
    /// (empty: its listings were plain links).
    pub adapters: Vec<(AdapterName, u64)>,
    /// Reports found (report pages, and attachments linked from a listing), by the year their
    /// title names (`None`: no year), in year order.
    pub reports_by_year: Vec<(Option<u32>, u64)>,
}

impl SiteSummary {
    /// Reports found in all.
    pub fn reports(&self) -> u64 {
        self.reports_by_year.iter().map(|(_, n)| n).sum()
    }
}

/// The year a report title names (`2023年…`, `2023年度…`).
fn title_year(title: &str) -> Option<u32> {
    static YEAR: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"((?:19|20)\d{2})\s*年").expect("valid regex")
    });
    YEAR.captures(title)?[1].parse().ok()
}

/// Counts for the summary of a run.
#[derive(Debug, Clone, Default)]
pub struct RunCounts {
    /// URLs fetched (or tried) in the run, by `kind`.
    pub by_kind: Vec<(String, u64)>,
    /// Errors by kind (`404`, `timeout`, `robots`…).
    pub errors: Vec<(String, u64)>,
    /// A few failed URLs with their error.
    pub error_samples: Vec<(String, String)>,
    /// URLs that failed in the run (robots.txt disallowing one is not a failure).
    pub failed: u64,
    /// Revalidated copies that had not changed.
    pub not_modified: u64,
    /// Hosts that reached a bound, with the bound.
    pub bounds: Vec<(String, Bound)>,
    /// Off-host report and attachment links (and redirects) not followed, by host, most first.
    pub offsite: Vec<(String, u64)>,
    /// Start URLs that redirected off the scope.
    pub seed_redirects: Vec<SeedRedirect>,
    /// Still queued.
    pub pending: u64,
    /// Hosts that rustls could not reach and OpenSSL did (`--tls legacy`), by name.
    pub legacy_tls_hosts: Vec<String>,
    /// Hosts whose certificate chain lacked an intermediate, fetched from the certificate's AIA
    /// URL, by name.
    pub aia_hosts: Vec<String>,
}

fn now() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

impl State {
    /// Opens (creating if needed) the state of the crawl folder `dir`.
    pub fn open(dir: &Path) -> rusqlite::Result<State> {
        let conn = Connection::open(dir.join(STATE_FILE))?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "cache_size", -16_000)?;
        conn.execute_batch(SCHEMA)?;
        for (name, decl) in ADDED_URL_COLUMNS {
            let present: bool = conn.query_row(
                "SELECT EXISTS(SELECT 1 FROM pragma_table_info('urls') WHERE name = ?1)",
                [name],
                |r| r.get(0),
            )?;
            if !present {
                conn.execute_batch(&format!("ALTER TABLE urls ADD COLUMN {name} {decl}"))?;
            }
        }
        Ok(State::new(conn))
    }

    fn new(conn: Connection) -> State {
        State {
            conn,
            queued_per_host: Default::default(),
        }
    }

    /// Opens an existing state without creating anything.
    pub fn open_existing(dir: &Path) -> rusqlite::Result<State> {
        let conn = Connection::open_with_flags(
            dir.join(STATE_FILE),
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        Ok(State::new(conn))
    }

    /// Resumes the unfinished run or starts a new one, and queues the start URLs in it.
    /// Returns the run id and whether it was resumed.
    pub fn begin_run(&mut self, seeds: &[Queued]) -> rusqlite::Result<(i64, bool)> {
        let tx = self.conn.transaction()?;
        let open: Option<i64> = tx
            .query_row(
                "SELECT id FROM runs WHERE finished_at IS NULL ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        let (run, resumed) = match open {
            Some(run) => (run, true),
            None => {
                tx.execute("INSERT INTO runs(started_at) VALUES (?1)", [now()])?;
                (tx.last_insert_rowid(), false)
            }
        };
        for seed in seeds {
            queue(&tx, run, seed)?;
        }
        tx.commit()?;
        Ok((run, resumed))
    }

    /// Marks the run finished if its frontier is empty; returns whether it did.
    pub fn finish_run(&self, run: i64) -> rusqlite::Result<bool> {
        if self.pending()? > 0 {
            return Ok(false);
        }
        self.conn.execute(
            "UPDATE runs SET finished_at = ?2 WHERE id = ?1",
            params![run, now()],
        )?;
        Ok(true)
    }

    /// Hosts with queued URLs.
    pub fn pending_hosts(&self) -> rusqlite::Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT DISTINCT host FROM urls WHERE pending = 1")?;
        let hosts = stmt.query_map([], |r| r.get(0))?.collect();
        hosts
    }

    /// How many URLs are queued.
    pub fn pending(&self) -> rusqlite::Result<u64> {
        self.conn
            .query_row("SELECT count(*) FROM urls WHERE pending = 1", [], count)
    }

    /// The next queued URL of `host` (reports and attachments first, then pagination, then
    /// navigation; oldest first within each).
    pub fn next_job(&self, host: &str) -> rusqlite::Result<Option<Job>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT u.id, u.url, u.depth, u.hint, u.referrer_title, u.kind, u.etag, u.last_modified, d.path, u.content_type,
                    u.listing_page, u.redirects, u.host, u.request
             FROM urls u LEFT JOIN documents d ON d.url_id = u.id AND d.sha256 = u.sha256
             WHERE u.pending = 1 AND u.host = ?1 ORDER BY u.prio, u.id LIMIT 1",
        )?;
        stmt.query_row([host], |r| {
            let path: Option<String> = r.get(8)?;
            let kind = r
                .get::<_, Option<String>>(5)?
                .and_then(|k| DocumentKind::from_name(&k));
            let held = match (path, kind) {
                (Some(path), Some(kind)) => Some(Held {
                    validators: Validators {
                        etag: r.get(6)?,
                        last_modified: r.get(7)?,
                    },
                    kind,
                    path,
                    content_type: r.get(9)?,
                }),
                _ => None,
            };
            Ok(Job {
                id: r.get(0)?,
                url: r.get(1)?,
                depth: r.get(2)?,
                listing_page: r.get(10)?,
                redirects: r.get(11)?,
                host: r.get(12)?,
                hint: Hint::from_name(&r.get::<_, String>(3)?),
                referrer_title: r.get(4)?,
                held,
                request: r
                    .get::<_, Option<String>>(13)?
                    .and_then(|text| ListRequest::decode(&text)),
            })
        })
        .optional()
    }

    /// Records the result of fetching `job` in run `run`, and queues the links it yielded (no more
    /// than `max_urls_per_host` URLs per host in a run), in one transaction.
    pub fn record(
        &mut self,
        run: i64,
        job: &Job,
        rec: &Record,
        links: &[Queued],
        max_urls_per_host: u64,
    ) -> rusqlite::Result<Recorded> {
        let mut budgets = Vec::new();
        for link in links {
            let key = (run, link.host.clone());
            if !self.queued_per_host.contains_key(&key) {
                let n = self.conn.query_row(
                    "SELECT count(*) FROM urls WHERE host = ?1 AND run_seen = ?2",
                    params![link.host, run],
                    count,
                )?;
                self.queued_per_host.insert(key.clone(), n);
            }
            budgets.push(key);
        }
        let tx = self.conn.transaction()?;
        let fetched_at = now();
        let mut out = Recorded::default();
        if let Some(stored) = &rec.stored {
            let had_any: bool = tx.query_row(
                "SELECT EXISTS(SELECT 1 FROM documents WHERE url_id = ?1)",
                [job.id],
                |r| r.get(0),
            )?;
            let added = tx.execute(
                "INSERT INTO documents(url_id, sha256, path, kind, fetched_at, run, content_type, encoding, title, bytes)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT(url_id, sha256) DO NOTHING",
                params![
                    job.id,
                    stored.sha256,
                    stored.rel_path,
                    rec.kind.name(),
                    fetched_at,
                    run,
                    rec.content_type,
                    rec.encoding,
                    rec.title,
                    rec.bytes as i64
                ],
            )?;
            if added == 1 {
                out.document = Some(if had_any { "changed" } else { "new" });
            }
            tx.execute(
                "UPDATE urls SET sha256 = ?2, etag = ?3, last_modified = ?4 WHERE id = ?1",
                params![
                    job.id,
                    stored.sha256,
                    rec.validators.etag,
                    rec.validators.last_modified
                ],
            )?;
        } else if rec.status == Some(304) {
            tx.execute(
                "UPDATE urls SET etag = coalesce(?2, etag), last_modified = coalesce(?3, last_modified) WHERE id = ?1",
                params![job.id, rec.validators.etag, rec.validators.last_modified],
            )?;
        }
        let (error_kind, error) = rec.error.clone().unzip();
        tx.execute(
            "UPDATE urls SET pending = 0, run_done = ?2, kind = ?3, status = ?4, error_kind = ?5, error = ?6,
                 final_url = ?7, content_type = coalesce(?8, content_type), title = coalesce(?9, title),
                 attempts = ?10, checked_at = ?11, adapter = coalesce(?12, adapter), tls = ?13,
                 chain_from_aia = ?14
             WHERE id = ?1",
            params![
                job.id,
                run,
                rec.kind.name(),
                rec.status,
                error_kind,
                error,
                rec.final_url,
                rec.content_type,
                rec.title,
                rec.attempts,
                fetched_at,
                rec.adapter.map(AdapterName::as_str),
                rec.tls.map(TlsBackend::name),
                rec.chain_from_aia
            ],
        )?;
        if let Some(bound) = rec.bound {
            note_bound(&tx, run, &job.host, bound)?;
        }
        for link in &rec.offsite {
            tx.prepare_cached(
                "INSERT OR IGNORE INTO offsite(run, url, referrer, title, redirect) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![run, link.url, job.id, link.title, link.redirect])?;
        }
        let mut spent = Vec::new();
        for (link, key) in links.iter().zip(&budgets) {
            let queued =
                self.queued_per_host[key] + spent.iter().filter(|k| *k == key).count() as u64;
            if queued >= max_urls_per_host {
                if !seen_again(&tx, run, link)? {
                    note_bound(&tx, run, &link.host, Bound::UrlsPerHost)?;
                }
                continue;
            }
            if queue(&tx, run, link)? {
                spent.push(key.clone());
                out.queued += 1;
                if !out.hosts.contains(&link.host) {
                    out.hosts.push(link.host.clone());
                }
            }
        }
        tx.commit()?;
        for key in spent {
            *self.queued_per_host.entry(key).or_default() += 1;
        }
        Ok(out)
    }

    /// Per site (host key, in order), what run `run` found: its listing mechanism and its
    /// reports by year.
    pub fn site_summaries(&self, run: i64) -> rusqlite::Result<Vec<SiteSummary>> {
        let mut stmt = self.conn.prepare(
            "SELECT u.host, u.kind, u.adapter, coalesce(u.referrer_title, u.title), u.title, r.kind
             FROM urls u LEFT JOIN urls r ON r.id = u.referrer
             WHERE u.run_done = ?1 ORDER BY u.host, u.id",
        )?;
        let rows = stmt.query_map([run], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        let mut sites: Vec<SiteSummary> = Vec::new();
        for row in rows {
            let (host, kind, adapter, link_title, title, referrer_kind) = row?;
            if sites.last().is_none_or(|s| s.host != host) {
                sites.push(SiteSummary {
                    host,
                    ..SiteSummary::default()
                });
            }
            let Some(site) = sites.last_mut() else {
                continue;
            };
            let kind = kind.as_deref().and_then(UrlKind::from_name);
            let report = match kind {
                Some(UrlKind::Listing) => {
                    site.listings += 1;
                    if let Some(adapter) = adapter.as_deref().and_then(AdapterName::from_name) {
                        match site.adapters.iter_mut().find(|(a, _)| *a == adapter) {
                            Some((_, n)) => *n += 1,
                            None => site.adapters.push((adapter, 1)),
                        }
                    }
                    false
                }
                Some(UrlKind::Report) => true,
                Some(UrlKind::Attachment) => referrer_kind.as_deref() != Some("report"),
                _ => false,
            };
            if report {
                let year = [title, link_title]
                    .iter()
                    .flatten()
                    .find_map(|t| title_year(t));
                match site.reports_by_year.iter_mut().find(|(y, _)| *y == year) {
                    Some((_, n)) => *n += 1,
                    None => site.reports_by_year.push((year, 1)),
                }
            }
        }
        for site in &mut sites {
            site.reports_by_year.sort();
        }
        Ok(sites)
    }

    /// The documents added in run `run`, oldest first.
    pub fn run_documents(&self, run: i64) -> rusqlite::Result<Vec<RunDocument>> {
        let mut stmt = self.conn.prepare(
            "SELECT d.kind, u.url, d.path, u.referrer_title,
                    EXISTS(SELECT 1 FROM documents e WHERE e.url_id = d.url_id AND e.id < d.id)
             FROM documents d JOIN urls u ON u.id = d.url_id WHERE d.run = ?1 ORDER BY d.id",
        )?;
        let rows = stmt
            .query_map([run], |r| {
                let kind: String = r.get(0)?;
                Ok(RunDocument {
                    kind: DocumentKind::from_name(&kind).ok_or_else(|| {
                        rusqlite::Error::FromSqlConversionFailure(
                            0,
                            rusqlite::types::Type::Text,
                            format!("unknown document kind {kind:?}").into(),
                        )
                    })?,
                    url: r.get(1)?,
                    path: r.get(2)?,
                    title: r.get(3)?,
                    change: if r.get(4)? { "changed" } else { "new" },
                })
            })?
            .collect();
        rows
    }

    /// Counts for the summary of run `run`.
    pub fn run_counts(&self, run: i64) -> rusqlite::Result<RunCounts> {
        let pairs = |sql: &str| -> rusqlite::Result<Vec<(String, u64)>> {
            let mut stmt = self.conn.prepare(sql)?;
            let rows = stmt
                .query_map([run], |r| Ok((r.get(0)?, count_at(r, 1)?)))?
                .collect();
            rows
        };
        let mut stmt = self.conn.prepare(
            "SELECT url, error_kind || ': ' || error FROM urls WHERE run_done = ?1 AND error IS NOT NULL ORDER BY id LIMIT 10",
        )?;
        let error_samples = stmt
            .query_map([run], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(RunCounts {
            by_kind: pairs("SELECT kind, count(*) FROM urls WHERE run_done = ?1 GROUP BY kind ORDER BY kind")?,
            errors: pairs(
                "SELECT error_kind, count(*) FROM urls WHERE run_done = ?1 AND error_kind IS NOT NULL
                 GROUP BY error_kind ORDER BY count(*) DESC, error_kind",
            )?,
            error_samples,
            failed: self.conn.query_row(
                "SELECT count(*) FROM urls WHERE run_done = ?1 AND error IS NOT NULL AND kind != 'disallowed'",
                [run],
                count,
            )?,
            bounds: {
                let mut stmt = self
                    .conn
                    .prepare("SELECT host, bound FROM bounds WHERE run = ?1 ORDER BY host, bound")?;
                let rows = stmt.query_map([run], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
                let mut bounds = Vec::new();
                for row in rows {
                    let (host, name) = row?;
                    bounds.extend(Bound::from_name(&name).map(|b| (host, b)));
                }
                bounds
            },
            offsite: {
                let mut stmt = self.conn.prepare(
                    "SELECT url FROM offsite WHERE run = ?1",
                )?;
                let urls = stmt.query_map([run], |r| r.get::<_, String>(0))?;
                let mut by_host: Vec<(String, u64)> = Vec::new();
                for url in urls {
                    let url = url?;
                    let host = url::Url::parse(&url)
                        .ok()
                        .and_then(|u| u.host_str().map(str::to_string))
                        .unwrap_or(url);
                    match by_host.iter_mut().find(|(h, _)| *h == host) {
                        Some((_, n)) => *n += 1,
                        None => by_host.push((host, 1)),
                    }
                }
                by_host.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                by_host
            },
            seed_redirects: {
                let mut stmt = self.conn.prepare(
                    "SELECT u.url, o.url FROM offsite o JOIN urls u ON u.id = o.referrer
                     WHERE o.run = ?1 AND o.redirect = 1 AND u.referrer IS NULL ORDER BY u.id",
                )?;
                let rows = stmt
                    .query_map([run], |r| Ok(SeedRedirect { seed: r.get(0)?, target: r.get(1)? }))?
                    .collect::<rusqlite::Result<_>>()?;
                rows
            },
            not_modified: self.conn.query_row(
                "SELECT count(*) FROM urls WHERE run_done = ?1 AND status = 304",
                [run],
                count,
            )?,
            pending: self.pending()?,
            legacy_tls_hosts: {
                let mut stmt = self.conn.prepare(
                    "SELECT DISTINCT host FROM urls WHERE run_done = ?1 AND tls = ?2 ORDER BY host",
                )?;
                let rows = stmt
                    .query_map(params![run, TlsBackend::OpenSsl.name()], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                rows
            },
            aia_hosts: {
                let mut stmt = self.conn.prepare(
                    "SELECT DISTINCT host FROM urls WHERE run_done = ?1 AND chain_from_aia = 1 ORDER BY host",
                )?;
                let rows = stmt
                    .query_map([run], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                rows
            },
        })
    }
}

/// A `count(*)` in the first column.
fn count(row: &rusqlite::Row<'_>) -> rusqlite::Result<u64> {
    count_at(row, 0)
}

fn count_at(row: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<u64> {
    Ok(u64::try_from(row.get::<_, i64>(i)?).unwrap_or(0))
}

/// The frontier key of a target: its URL, or its list request's [`ListRequest::key`] (a POST's
/// URL is the same for every page of its listing).
fn frontier_key(target: &Target) -> String {
    match &target.request {
        Some(request) => request.key(),
        None => target.url.to_string(),
    }
}

/// Whether `q` is already queued (or done) in run `run`.
fn seen_again(tx: &rusqlite::Transaction<'_>, run: i64, q: &Queued) -> rusqlite::Result<bool> {
    tx.prepare_cached("SELECT EXISTS(SELECT 1 FROM urls WHERE url = ?1 AND run_seen >= ?2)")?
        .query_row(params![frontier_key(&q.target), run], |r| r.get(0))
}

fn note_bound(
    tx: &rusqlite::Transaction<'_>,
    run: i64,
    host: &str,
    bound: Bound,
) -> rusqlite::Result<()> {
    tx.prepare_cached("INSERT OR IGNORE INTO bounds(run, host, bound) VALUES (?1, ?2, ?3)")?
        .execute(params![run, host, bound.name()])?;
    Ok(())
}

/// Queues one URL in run `run` unless it (or its folder/index twin, see
/// [`crate::scope::index_twins`]) was already queued in this run; returns whether it was.
fn queue(tx: &rusqlite::Transaction<'_>, run: i64, q: &Queued) -> rusqlite::Result<bool> {
    let posted = q
        .target
        .request
        .as_ref()
        .is_some_and(|r| r.method == Method::Post);
    let twins = if posted {
        Vec::new()
    } else {
        crate::scope::index_twins(&q.target.url)
    };
    for twin in twins {
        let twin = Queued {
            target: Target {
                url: twin,
                request: None,
                ..q.target.clone()
            },
            ..q.clone()
        };
        if seen_again(tx, run, &twin)? {
            return Ok(false);
        }
    }
    let changed = tx.prepare_cached(
        "INSERT INTO urls(url, host, pending, prio, depth, hint, referrer, referrer_title, run_seen, listing_page, redirects, request)
         VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT(url) DO UPDATE SET pending = 1, run_seen = excluded.run_seen,
             prio = excluded.prio, depth = excluded.depth, listing_page = excluded.listing_page,
             redirects = excluded.redirects, request = excluded.request
         WHERE urls.run_seen < excluded.run_seen",
    )?
    .execute(params![
            frontier_key(&q.target),
            q.host,
            q.target.prio,
            q.target.depth,
            q.target.hint.as_str(),
            q.referrer,
            (!q.target.title.is_empty()).then_some(&q.target.title),
            run,
            q.target.listing_page,
            q.target.redirects,
            q.target.request.as_ref().map(ListRequest::encode)
        ],
    )?;
    Ok(changed == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queued(url: &str, prio: i64) -> Queued {
        let url = url::Url::parse(url).unwrap();
        Queued {
            host: url.host_str().unwrap().to_string(),
            target: Target {
                url,
                title: String::new(),
                hint: Hint::Page,
                prio,
                depth: 0,
                listing_page: 0,
                redirects: 0,
                request: None,
            },
            referrer: None,
        }
    }

    #[test]
    fn kinds_round_trip_by_name() {
        for kind in UrlKind::ALL {
            assert_eq!(UrlKind::from_name(kind.name()), Some(kind));
        }
        assert_eq!(UrlKind::from_name("page"), None);
        assert_eq!(UrlKind::from(DocumentKind::Report), UrlKind::Report);
        for bound in Bound::ALL {
            assert_eq!(Bound::from_name(bound.name()), Some(bound));
        }
    }

    #[test]
    fn a_host_budget_bounds_what_is_queued_and_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let mut state = State::open(dir.path()).unwrap();
        let (run, resumed) = state.begin_run(&[queued("http://a.gov.cn/", 0)]).unwrap();
        assert!(!resumed);
        let job = state.next_job("a.gov.cn").unwrap().unwrap();
        assert_eq!(
            (job.url.as_str(), job.host.as_str()),
            ("http://a.gov.cn/", "a.gov.cn")
        );
        let links: Vec<Queued> = (0..5)
            .map(|i| queued(&format!("http://a.gov.cn/{i}.html"), 1))
            .chain([queued("http://b.gov.cn/", 2)])
            .collect();
        let record = Record {
            kind: UrlKind::Listing,
            status: Some(200),
            ..Record::default()
        };
        let recorded = state.record(run, &job, &record, &links, 3).unwrap();
        // The start URL and two links make three URLs for a.gov.cn; b.gov.cn has its own budget.
        assert_eq!(recorded.queued, 3);
        assert_eq!(recorded.hosts, ["a.gov.cn", "b.gov.cn"]);
        let counts = state.run_counts(run).unwrap();
        assert_eq!(
            counts.bounds,
            [("a.gov.cn".to_string(), Bound::UrlsPerHost)]
        );
        assert_eq!((counts.pending, counts.failed), (3, 0));
        // A failure counts; a URL disallowed by robots.txt does not.
        for (kind, error) in [(UrlKind::Error, "404"), (UrlKind::Disallowed, "robots")] {
            let job = state.next_job("a.gov.cn").unwrap().unwrap();
            let record = Record {
                kind,
                error: Some((error.into(), "no".into())),
                ..Record::default()
            };
            state.record(run, &job, &record, &[], 3).unwrap();
        }
        assert_eq!(state.run_counts(run).unwrap().failed, 1);
        assert!(!state.finish_run(run).unwrap(), "b.gov.cn is still queued");
    }

    #[test]
    fn a_folder_and_its_index_page_are_queued_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut state = State::open(dir.path()).unwrap();
        let (run, _) = state
            .begin_run(&[queued("http://a.gov.cn/zwgk/index.html", 0)])
            .unwrap();
        let job = state.next_job("a.gov.cn").unwrap().unwrap();
        let links = [
            queued("http://a.gov.cn/zwgk/", 1),
            queued("http://a.gov.cn/xxgk/", 1),
            queued("http://a.gov.cn/xxgk/index.htm", 1),
        ];
        let recorded = state
            .record(run, &job, &Record::default(), &links, 100)
            .unwrap();
        assert_eq!(recorded.queued, 1, "only /xxgk/ is new");
    }

    #[test]
    fn list_requests_are_stored_by_key_and_sites_summarised() {
        use crate::listing::{AdapterName, ListRequest, Method};
        let dir = tempfile::tempdir().unwrap();
        let mut state = State::open(dir.path()).unwrap();
        let (run, _) = state
            .begin_run(&[queued("http://a.gov.cn/col/", 0)])
            .unwrap();
        let column = state.next_job("a.gov.cn").unwrap().unwrap();
        let post = |page: u32| {
            let request = ListRequest {
                adapter: AdapterName::Fujian,
                method: Method::Post,
                url: url::Url::parse("http://a.gov.cn/fjdzapp/search").unwrap(),
                form: vec![("page".into(), page.to_string())],
                page,
                column: url::Url::parse("http://a.gov.cn/col/").unwrap(),
            };
            let mut q = queued(request.url.as_str(), 1);
            q.target.request = Some(request);
            q
        };
        let links = [
            post(2),
            post(3),
            post(2),
            queued("http://a.gov.cn/2023nb.html", 0),
        ];
        let listing = Record {
            kind: UrlKind::Listing,
            adapter: Some(AdapterName::Fujian),
            ..Record::default()
        };
        let recorded = state.record(run, &column, &listing, &links, 100).unwrap();
        assert_eq!(
            recorded.queued, 3,
            "two POST pages of one URL, and a report"
        );
        let report = state.next_job("a.gov.cn").unwrap().unwrap();
        assert!(report.request.is_none());
        let done = |kind, title: &str| Record {
            kind,
            title: Some(title.to_string()),
            ..Record::default()
        };
        state
            .record(
                run,
                &report,
                &done(UrlKind::Report, "某县2023年政府信息公开工作年度报告"),
                &[],
                100,
            )
            .unwrap();
        for page in [2, 3] {
            let job = state.next_job("a.gov.cn").unwrap().unwrap();
            assert_eq!(job.request, post(page).target.request);
            assert_eq!(job.url, post(page).target.request.unwrap().key());
            state.record(run, &job, &listing, &[], 100).unwrap();
        }
        assert!(state.next_job("a.gov.cn").unwrap().is_none());
        let sites = state.site_summaries(run).unwrap();
        assert_eq!(
            sites,
            [SiteSummary {
                host: "a.gov.cn".into(),
                listings: 3,
                adapters: vec![(AdapterName::Fujian, 3)],
                reports_by_year: vec![(Some(2023), 1)],
            }]
        );
        assert_eq!(sites[0].reports(), 1);
        assert_eq!(title_year("2022年度报告"), Some(2022));
        assert_eq!(title_year("年度报告"), None);
    }

    #[test]
    fn an_older_state_gets_the_new_columns() {
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join(STATE_FILE)).unwrap();
        conn.execute_batch(
            "CREATE TABLE urls(id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE, host TEXT NOT NULL,
                 pending INTEGER NOT NULL, prio INTEGER NOT NULL, depth INTEGER NOT NULL,
                 hint TEXT NOT NULL, referrer INTEGER, referrer_title TEXT, run_seen INTEGER NOT NULL,
                 run_done INTEGER NOT NULL DEFAULT 0, kind TEXT, status INTEGER, error_kind TEXT,
                 error TEXT, final_url TEXT, content_type TEXT, title TEXT, etag TEXT,
                 last_modified TEXT, sha256 TEXT, attempts INTEGER, checked_at TEXT);
             INSERT INTO urls(url, host, pending, prio, depth, hint, run_seen)
                 VALUES ('http://a.gov.cn/', 'a.gov.cn', 1, 0, 0, 'page', 1);",
        )
        .unwrap();
        drop(conn);
        let state = State::open(dir.path()).unwrap();
        let job = state.next_job("a.gov.cn").unwrap().unwrap();
        assert_eq!((job.listing_page, job.redirects), (0, 0));
    }
}
