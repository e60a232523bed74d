//! nianbao-fetch: a polite, resumable, focused crawler for government information-disclosure
//! annual reports (政府信息公开工作年度报告).
//!
//! `nianbao crawl URL... --out DIR` starts from site roots or column pages, follows only links
//! that lead toward disclosure columns, walks their listings page by page, recognises report
//! pages and downloads their attachments. Nothing else is stored.
//!
//! The pieces, one module each:
//!
//! * [`scope`]: which hosts and ports may be fetched, the per-name key politeness is counted by,
//!   and URL normalisation (fragments, session ids);
//! * [`robots`]: robots.txt rules (RFC 9309, via `texting_robots`; the agent token of the
//!   User-Agent; rules the matcher rejects disallow their prefix);
//! * [`http`]: one request (conditional headers, no automatic redirects, a body limit, errors
//!   sorted by kind), through rustls, or OpenSSL for an old server under `--tls legacy`;
//! * [`aia`]: a certificate chain that a server leaves incomplete, completed from the
//!   certificate's AIA URL, as browsers do;
//! * [`tls`]: the OpenSSL client for old TLS servers (TLS 1.0/1.1, CBC, RSA key exchange) and the
//!   certificates trusted besides the system's (`--ca-file`);
//! * pages are decoded with [`nianbao_format::decode::decode_http`] (BOM, HTTP charset, `<meta>`, detection; GBK as GB18030);
//! * [`page`]: title, headings, links (anchors, `onclick`, embeds, Hanweb `<record>` data) and
//!   script page counts of a page;
//! * [`classify`]: what a title, link or path is about (report, disclosure, attachment);
//! * [`discover`]: which links of a page to follow, and whether the page is a report;
//! * [`listing`]: CMS list adapters (Hanweb, TRS, jpaas, gkmlpt, Fujian, Anhui): the list
//!   requests a column page's scripts make and the items their answers hold, plus removed-page
//!   and report-column helpers;
//! * the content-addressed raw store (`DIR/raw/`, SHA-256, atomic writes) is
//!   [`nianbao_store::raw`], shared with the dataset, which lists a crawl folder without the
//!   network stack;
//! * [`state`]: the crawl state in SQLite (`DIR/crawl.sqlite`): frontier, fetched URLs,
//!   documents, off-site links, the bounds hosts reached;
//! * [`crawl`]: the loop: a worker per host name, one request at a time per host with a delay
//!   from the end of one answer to the next request, backoff and `Retry-After`, at most `jobs`
//!   requests in flight over all hosts; trap bounds (listing pages, URLs per host, redirects);
//!   CMS list requests (GET or form POST) queued and fetched like links, their answers read by
//!   [`listing::parse`]; removed pages (soft 404s, refresh stubs) recorded as such;
//! * [`limits`]: the file-descriptor limit and the default number of requests in flight;
//! * [`progress`]: what a crawl reports while it runs, to an observer the caller gives (the CLI
//!   draws its status line with it; the library prints nothing).
//!
//! **Bounded.** Open sockets and bodies in memory are bounded by `jobs`; every host by its URL
//! budget; a URL's failure is recorded on it and never stops the crawl.
//!
//! **Crash safety.** A document's bytes reach the raw store (temporary file, then rename) before
//! the transaction that records them and the links found with them; the frontier lives in the
//! same database. After a `kill -9`, the same command resumes the unfinished run: nothing recorded
//! is fetched again, and only requests that were in flight are repeated.
//!
//! **Incremental runs.** Once a run has finished, the next invocation starts a new one: listing
//! pages are fetched again, and every stored report or attachment met again is revalidated with
//! `If-None-Match` / `If-Modified-Since`; only new or changed bytes are stored, and they are printed.

pub mod aia;
pub mod classify;
pub mod crawl;
pub mod discover;
pub mod http;
pub mod limits;
pub mod listing;
pub mod page;
pub mod progress;
pub mod robots;
pub mod scope;
pub mod state;
pub mod tls;
